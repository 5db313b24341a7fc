//! The demo's images: the repositories, tags, build times and platforms the quick start
//! pushes, the policy each application follows, and what the updater should pick.

/// One tag of a demo repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoTag {
    /// The tag.
    pub name: &'static str,
    /// When the image was built (the config's `created`), RFC 3339.
    pub created: &'static str,
}

/// How an application's image is followed, as written in the ImageUpdater.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoPolicy {
    /// `semver` or `newest-build`.
    pub strategy: &'static str,
    /// The semver constraint written after the image name, if any.
    pub constraint: Option<&'static str>,
    /// The platforms the application runs on, if set.
    pub platforms: Option<&'static str>,
}

/// One application of the demo and the image it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoImage {
    /// The Application (and the image alias).
    pub app: &'static str,
    /// The repository in the registry, e.g. `demo/guestbook`.
    pub repository: &'static str,
    /// Every tag pushed, in push order.
    pub tags: &'static [DemoTag],
    /// Pushed as an index for linux/amd64 and linux/arm64 instead of one image for this
    /// machine's platform.
    pub multi_arch: bool,
    /// The tag the application runs at first.
    pub current: &'static str,
    /// What the ImageUpdater asks for.
    pub policy: DemoPolicy,
    /// Where the new tag is written, for people.
    pub write_back: &'static str,
    /// The file the new tag lands in.
    pub file: &'static str,
    /// What the updater must choose.
    pub expected: Expected,
    /// Where in [`DemoImage::file`] the tag is written.
    pub tag_at: TagAt,
}

/// Where a demo image's tag is written in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagAt {
    /// `newTag:` of the kustomization's `images:` entry.
    KustomizeNewTag,
    /// A `key:` of a Helm values file (the last segment of the dotted path).
    ValuesKey(&'static str),
    /// The `value:` of the Application's Helm parameter with this name.
    HelmParameter(&'static str),
}

/// The tag the updater must choose for a demo image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// This tag: the highest release the constraint admits, as the scenario states (the point
    /// of the demo is that the updater agrees).
    Tag(&'static str),
    /// The tag with the latest build time, computed from the pushed build times so the
    /// scenario cannot drift from its own data.
    NewestBuild,
}

/// The three applications of the demo.
pub const IMAGES: [DemoImage; 3] = [GUESTBOOK, WEB, API];

/// Semver releases, a pre-release that `~1` must skip, and a major release it must not reach.
const GUESTBOOK: DemoImage = DemoImage {
    app: "guestbook",
    repository: "demo/guestbook",
    tags: &[
        tag("1.0.0", "2025-01-06T10:00:00Z"),
        tag("1.1.0", "2025-02-03T10:00:00Z"),
        tag("1.2.0-rc.1", "2025-03-03T10:00:00Z"),
        tag("2.0.0", "2025-04-07T10:00:00Z"),
    ],
    multi_arch: false,
    current: "1.0.0",
    policy: DemoPolicy {
        strategy: "semver",
        constraint: Some("~1"),
        platforms: None,
    },
    write_back: "git commit to kustomize/guestbook/kustomization.yaml",
    file: "kustomize/guestbook/kustomization.yaml",
    expected: Expected::Tag("1.1.0"),
    tag_at: TagAt::KustomizeNewTag,
};

/// Build tags whose alphabetical order is not their build order: the newest build is
/// `build-b`, while alphabetical order would pick `build-c`.
const WEB: DemoImage = DemoImage {
    app: "web",
    repository: "demo/web",
    tags: &[
        tag("build-a", "2025-03-01T09:00:00Z"),
        tag("build-c", "2025-03-02T09:00:00Z"),
        tag("build-b", "2025-03-03T09:00:00Z"),
    ],
    multi_arch: false,
    current: "build-a",
    policy: DemoPolicy {
        strategy: "newest-build",
        constraint: None,
        platforms: None,
    },
    write_back: "git commit to helm/web/values.yaml",
    file: "helm/web/values.yaml",
    expected: Expected::NewestBuild,
    tag_at: TagAt::ValuesKey("tag"),
};

/// A multi-platform image followed for linux/arm64, written into the Application itself.
const API: DemoImage = DemoImage {
    app: "api",
    repository: "demo/api",
    tags: &[
        tag("2.0.0", "2025-02-10T12:00:00Z"),
        tag("2.1.0", "2025-03-10T12:00:00Z"),
        tag("3.0.0", "2025-04-14T12:00:00Z"),
    ],
    multi_arch: true,
    current: "2.0.0",
    policy: DemoPolicy {
        strategy: "semver",
        constraint: Some("^2"),
        platforms: Some("linux/arm64"),
    },
    write_back: "argocd method: the Helm parameter in apps/api.yaml",
    file: "apps/api.yaml",
    expected: Expected::Tag("2.1.0"),
    tag_at: TagAt::HelmParameter("image.tag"),
};

const fn tag(name: &'static str, created: &'static str) -> DemoTag {
    DemoTag { name, created }
}

impl DemoImage {
    /// The tag the updater must choose.
    pub fn expected_tag(&self) -> &'static str {
        match self.expected {
            Expected::Tag(tag) => tag,
            Expected::NewestBuild => self.newest_build(),
        }
    }

    /// The tag with the latest build time.
    pub fn newest_build(&self) -> &'static str {
        self.tags
            .iter()
            .max_by_key(|tag| tag.created)
            .map_or(self.current, |tag| tag.name)
    }

    /// The build time of `tag`, as pushed.
    pub fn created(&self, tag: &str) -> Option<&'static str> {
        self.tags.iter().find(|t| t.name == tag).map(|t| t.created)
    }

    /// `registry/repository`.
    pub fn image(&self, registry: &str) -> String {
        format!("{registry}/{}", self.repository)
    }

    /// The image as written in the ImageUpdater, constraint included.
    pub fn image_with_constraint(&self, registry: &str) -> String {
        match self.policy.constraint {
            Some(constraint) => format!("{}:{constraint}", self.image(registry)),
            None => self.image(registry),
        }
    }

    /// The policy for people, e.g. `semver ~1, linux/arm64 only`.
    pub fn policy_text(&self) -> String {
        let mut text = self.policy.strategy.to_owned();
        if let Some(constraint) = self.policy.constraint {
            text.push_str(&format!(" {constraint}"));
        }
        if let Some(platforms) = self.policy.platforms {
            text.push_str(&format!(", {platforms} only"));
        }
        text
    }

    /// The arguments of `argocd-image-updater test` that ask the same question.
    pub fn test_args(&self, registry: &str) -> Vec<String> {
        let mut args = vec![
            "test".to_owned(),
            self.image(registry),
            "--update-strategy".to_owned(),
            self.policy.strategy.to_owned(),
            "--current".to_owned(),
            self.current.to_owned(),
        ];
        if let Some(constraint) = self.policy.constraint {
            args.extend(["--semver-constraint".to_owned(), constraint.to_owned()]);
        }
        if let Some(platforms) = self.policy.platforms {
            args.extend(["--platforms".to_owned(), platforms.to_owned()]);
        }
        args
    }
}

/// This machine's architecture in Go's names (`amd64`, `arm64`), the platform the updater
/// wants by default: single-platform demo images are built for it, as `docker build` would.
pub fn host_arch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_build_differs_from_alphabetical_order() {
        let alphabetical = WEB.tags.iter().map(|t| t.name).max().unwrap();
        assert_eq!(WEB.newest_build(), "build-b");
        assert_ne!(WEB.newest_build(), alphabetical);
        assert_eq!(WEB.expected_tag(), WEB.newest_build());
    }

    #[test]
    fn every_expected_tag_is_pushed_and_differs_from_the_current_one() {
        for image in IMAGES {
            assert!(
                image.created(image.expected_tag()).is_some(),
                "{}",
                image.app
            );
            assert!(image.created(image.current).is_some(), "{}", image.app);
            assert_ne!(image.expected_tag(), image.current, "{}", image.app);
        }
    }

    #[test]
    fn build_times_are_valid_timestamps() {
        for tag in IMAGES.iter().flat_map(|image| image.tags) {
            assert!(tag.created.parse::<jiff::Timestamp>().is_ok(), "{tag:?}");
        }
    }

    #[test]
    fn test_args_carry_the_policy() {
        let args = API.test_args("127.0.0.1:5000").join(" ");
        assert_eq!(
            args,
            "test 127.0.0.1:5000/demo/api --update-strategy semver --current 2.0.0 \
             --semver-constraint ^2 --platforms linux/arm64"
        );
        assert_eq!(API.policy_text(), "semver ^2, linux/arm64 only");
        assert_eq!(
            GUESTBOOK.image_with_constraint("r:1"),
            "r:1/demo/guestbook:~1"
        );
    }
}
