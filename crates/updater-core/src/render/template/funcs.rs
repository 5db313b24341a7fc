//! Go `text/template` builtins that gtmpl lacks (`html`, `js`, `slice`), an `index` that
//! returns the zero value for a missing map key, as Go's does, and a safe `printf`.

use gtmpl::{Func, FuncError, Value};

/// Registers the added builtins; must run before parsing, since gtmpl checks function names
/// at parse time (as Go does).
pub(super) fn add_missing_builtins(template: &mut gtmpl::Template) {
    template.add_funcs(&[
        ("html", html as Func),
        ("js", js as Func),
        ("slice", slice as Func),
        ("index", index as Func),
        ("printf", super::printf::printf as Func),
    ]);
}

/// Go's `html`: the HTML-escaped text of the arguments.
pub(super) fn html(args: &[Value]) -> Result<Value, FuncError> {
    let text = eval_args(args)?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\0' => escaped.push('\u{fffd}'),
            '"' => escaped.push_str("&#34;"),
            '\'' => escaped.push_str("&#39;"),
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            other => escaped.push(other),
        }
    }
    Ok(Value::from(escaped))
}

/// Go's `js`: the JavaScript-escaped text of the arguments.
pub(super) fn js(args: &[Value]) -> Result<Value, FuncError> {
    let text = eval_args(args)?;
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '\'' => escaped.push_str("\\'"),
            '"' => escaped.push_str("\\\""),
            '<' => escaped.push_str("\\u003C"),
            '>' => escaped.push_str("\\u003E"),
            '&' => escaped.push_str("\\u0026"),
            '=' => escaped.push_str("\\u003D"),
            c if c < ' ' || (!c.is_ascii() && !is_printable(c)) => {
                escaped.push_str(&format!("\\u{:04X}", u32::from(c)));
            }
            other => escaped.push(other),
        }
    }
    Ok(Value::from(escaped))
}

/// Go's `slice x i j k`: `x[i:j]` (or `x[i:j:k]` for lists) on strings and lists.
pub(super) fn slice(args: &[Value]) -> Result<Value, FuncError> {
    let Some((item, indexes)) = args.split_first() else {
        return Err(FuncError::AtLeastXArgs("slice".into(), 1));
    };
    if indexes.len() > 3 {
        return Err(generic(format!(
            "too many slice indexes: {}",
            indexes.len()
        )));
    }
    match item {
        Value::String(text) => slice_string(text, indexes),
        Value::Array(items) => {
            let (start, end) = slice_bounds(items.len(), indexes)?;
            Ok(Value::Array(
                items.get(start..end).unwrap_or_default().to_vec(),
            ))
        }
        other => Err(generic(format!(
            "can't slice item of type {}",
            type_name(other)
        ))),
    }
}

/// gtmpl's `index`, except that a missing map key gives `""` (Go's zero value for the
/// `map[string]string` of labels) instead of `<no value>`.
pub(super) fn index(args: &[Value]) -> Result<Value, FuncError> {
    let value = gtmpl::funcs::index(args)?;
    if matches!(value, Value::NoValue) && matches!(args.first(), Some(Value::Map(_))) {
        return Ok(Value::from(""));
    }
    Ok(value)
}

/// Go's `evalArgs`: a single string as is, anything else through `fmt.Sprint`.
fn eval_args(args: &[Value]) -> Result<String, FuncError> {
    if let [Value::String(text)] = args {
        return Ok(text.clone());
    }
    Ok(match gtmpl::funcs::print(args)? {
        Value::String(text) => text,
        other => other.to_string(),
    })
}

fn slice_string(text: &str, indexes: &[Value]) -> Result<Value, FuncError> {
    if indexes.len() == 3 {
        return Err(generic("cannot 3-index slice a string".into()));
    }
    let (start, end) = slice_bounds(text.len(), indexes)?;
    text.get(start..end).map(Value::from).ok_or_else(|| {
        generic(format!(
            "slice [{start}:{end}] does not fall on character boundaries"
        ))
    })
}

/// Go's index checks: each index within `0..=len`, and `i <= j <= k`.
fn slice_bounds(len: usize, indexes: &[Value]) -> Result<(usize, usize), FuncError> {
    let mut bounds = [0, len, len];
    for (slot, index) in bounds.iter_mut().zip(indexes) {
        *slot = index_arg(index, len)?;
    }
    let [start, end, capacity] = bounds;
    if start > end {
        return Err(generic(format!("invalid slice index: {start} > {end}")));
    }
    if indexes.len() == 3 && end > capacity {
        return Err(generic(format!("invalid slice index: {end} > {capacity}")));
    }
    Ok((start, end))
}

fn index_arg(index: &Value, len: usize) -> Result<usize, FuncError> {
    let Value::Number(number) = index else {
        return Err(generic(format!(
            "cannot index slice/array with type {}",
            type_name(index)
        )));
    };
    let Some(value) = number.as_i64() else {
        return Err(generic(format!("cannot index slice/array with {number}")));
    };
    usize::try_from(value)
        .ok()
        .filter(|v| *v <= len)
        .ok_or_else(|| generic(format!("index out of range: {value}")))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::NoValue | Value::Nil => "nil",
        Value::Bool(_) => "bool",
        Value::String(_) => "string",
        Value::Object(_) => "struct",
        Value::Map(_) => "map",
        Value::Array(_) => "slice",
        Value::Function(_) => "func",
        Value::Number(_) => "number",
    }
}

/// An approximation of Go's `unicode.IsPrint` for non-ASCII characters: control, format,
/// separator and private-use characters are not printable (unassigned code points, which Go
/// also escapes, cannot be told apart without the Unicode tables).
pub(super) fn is_printable(c: char) -> bool {
    !(c.is_control() || c.is_whitespace() || is_format_or_private(u32::from(c)))
}

fn is_format_or_private(code: u32) -> bool {
    matches!(
        code,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xE000..=0xF8FF
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0xE0001
            | 0xE0020..=0xE007F
            | 0xF0000..
    )
}

fn generic(message: String) -> FuncError {
    FuncError::Generic(message)
}
