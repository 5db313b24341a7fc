//! What the seeder pushes is what a registry client will read back: media types, digests,
//! configs and platforms.

use jiff::Timestamp;
use serde_json::json;
use updater_testkit::{ImageSpec, ManifestFormat, RegistryOptions, RegistryServer, media_type};

use crate::{json_blob, list_tags, manifest};

#[tokio::test]
async fn images_carry_their_spec() {
    let server = RegistryServer::start(RegistryOptions::default()).unwrap();
    let seeder = server.seeder().unwrap();
    let created: Timestamp = "2024-03-01T00:00:00Z".parse().unwrap();
    let spec = ImageSpec::created(created).with_label("org.opencontainers.image.version", "1.1");
    let digest = seeder
        .push_image("myorg/app", "v1.1.0", &spec)
        .await
        .unwrap();

    let (content_type, served_digest, body) = manifest(&server, "myorg/app", "v1.1.0").await;
    assert_eq!(content_type, media_type::OCI_MANIFEST);
    assert_eq!(served_digest, digest);
    assert_eq!(body["config"]["mediaType"], media_type::OCI_CONFIG);
    assert_eq!(body["layers"][0]["mediaType"], media_type::OCI_LAYER);
    let config_digest = body["config"]["digest"].as_str().unwrap();
    let config = json_blob(&server, "myorg/app", config_digest).await;
    assert_eq!(config["created"], "2024-03-01T00:00:00Z");
    assert_eq!(
        (config["os"].as_str(), config["architecture"].as_str()),
        (Some("linux"), Some("amd64"))
    );
    assert_eq!(
        config["config"]["Labels"],
        json!({"org.opencontainers.image.version": "1.1"})
    );

    // Same spec, other tag: another digest. Pushing again (blobs exist): same digest.
    let other = seeder
        .push_image("myorg/app", "v1.2.0", &spec)
        .await
        .unwrap();
    assert_ne!(other, digest);
    let again = seeder
        .push_image("myorg/app", "v1.1.0", &spec)
        .await
        .unwrap();
    assert_eq!(again, digest);
    // A fixed content makes two tags one image.
    let fixed = ImageSpec {
        content: Some("same".into()),
        ..spec
    };
    let x = seeder.push_image("myorg/app", "x", &fixed).await.unwrap();
    let y = seeder.push_image("myorg/app", "y", &fixed).await.unwrap();
    assert_eq!(x, y);

    let docker = ImageSpec::platform("arm64", Some("v8")).with_format(ManifestFormat::Docker);
    let docker_digest = seeder
        .push_image("myorg/dockerfmt", "v1", &docker)
        .await
        .unwrap();
    let (content_type, served_digest, body) = manifest(&server, "myorg/dockerfmt", "v1").await;
    assert_eq!(content_type, media_type::DOCKER_MANIFEST);
    assert_eq!(served_digest, docker_digest);
    assert_eq!(body["config"]["mediaType"], media_type::DOCKER_CONFIG);
    assert_eq!(body["layers"][0]["mediaType"], media_type::DOCKER_LAYER);
    let config = json_blob(
        &server,
        "myorg/dockerfmt",
        body["config"]["digest"].as_str().unwrap(),
    )
    .await;
    assert_eq!(
        (config["architecture"].as_str(), config["variant"].as_str()),
        (Some("arm64"), Some("v8"))
    );
    assert!(config.get("created").is_none());
}

#[tokio::test]
async fn indexes_and_many_tags() {
    let server = RegistryServer::start(RegistryOptions::default()).unwrap();
    let seeder = server.seeder().unwrap();
    let platforms = [
        ImageSpec::platform("amd64", None),
        ImageSpec::platform("arm64", Some("v8")),
    ];
    for (repo, format, want) in [
        ("myorg/multi", ManifestFormat::Oci, media_type::OCI_INDEX),
        (
            "myorg/multidocker",
            ManifestFormat::Docker,
            media_type::DOCKER_MANIFEST_LIST,
        ),
    ] {
        let digest = seeder
            .push_index(repo, "1.0", &platforms, format)
            .await
            .unwrap();
        let (content_type, served_digest, index) = manifest(&server, repo, "1.0").await;
        assert_eq!((content_type.as_str(), served_digest), (want, digest));
        let entries = index["manifests"].as_array().unwrap();
        assert_eq!(
            entries[0]["platform"],
            json!({"architecture": "amd64", "os": "linux"})
        );
        assert_eq!(
            entries[1]["platform"],
            json!({"architecture": "arm64", "os": "linux", "variant": "v8"})
        );
        for entry in entries {
            assert_eq!(entry["mediaType"], format.manifest_media_type());
            let child = entry["digest"].as_str().unwrap();
            let (child_type, child_digest, _) = manifest(&server, repo, child).await;
            assert_eq!(
                (child_type.as_str(), child_digest.as_str()),
                (format.manifest_media_type(), child)
            );
        }
    }

    let tags: Vec<String> = (0..30).map(|i| format!("1.0.{i}")).collect();
    let refs: Vec<&str> = tags.iter().map(String::as_str).collect();
    let digest = seeder.push_tags("myorg/many", &refs).await.unwrap();
    let mut want = tags.clone();
    want.sort();
    assert_eq!(list_tags(&server, "myorg/many").await, want);
    let (_, served, _) = manifest(&server, "myorg/many", "1.0.29").await;
    assert_eq!(served, digest);
}
