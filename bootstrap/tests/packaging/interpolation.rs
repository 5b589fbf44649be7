//! Compose's `$` interpolation: the checks judge the values the containers would get, not the text.

use crate::support::COMPOSE;

pub struct Interpolated {
    pub value: String,
    pub variables: Vec<String>,
}

/// A `${…}` compose would refuse fails the test that reads it, named by the text it is in.
pub fn interpolate(raw: &str) -> Interpolated {
    try_interpolate(raw).unwrap_or_else(|e| panic!("{COMPOSE}: `{raw}`: {e}"))
}

/// Compose's `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`, `${VAR:+alt}` and
/// `$$`, resolved as if no variable were set: what a fresh checkout with no `.env` gets, except that a
/// required variable (`:?`) stands for a value the operator supplies.
fn try_interpolate(raw: &str) -> Result<Interpolated, String> {
    let mut out = Interpolated {
        value: String::new(),
        variables: Vec::new(),
    };
    let mut rest = raw;
    while let Some(dollar) = rest.find('$') {
        out.value.push_str(&rest[..dollar]);
        rest = &rest[dollar + 1..];
        if let Some(after) = rest.strip_prefix('$') {
            out.value.push('$');
            rest = after;
        } else if let Some(braced) = rest.strip_prefix('{') {
            let end = closing_brace(braced).ok_or("a `${` is never closed")?;
            let (name, default) = expand(&braced[..end])?;
            out.variables.push(name);
            if let Some(default) = default {
                let inner = try_interpolate(&default)?;
                out.value.push_str(&inner.value);
                out.variables.extend(inner.variables);
            }
            rest = &braced[end + 1..];
        } else {
            let len = name_len(rest);
            if len == 0 {
                out.value.push('$');
            } else {
                out.variables.push(rest[..len].to_owned());
            }
            rest = &rest[len..];
        }
    }
    out.value.push_str(rest);
    Ok(out)
}

/// The length of the variable name `text` starts with, zero if it starts with none.
fn name_len(text: &str) -> usize {
    text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len())
}

fn closing_brace(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Splits `NAME[OP WORD]` into the name and what an unset NAME expands to.
fn expand(body: &str) -> Result<(String, Option<String>), String> {
    let (name, op) = body.split_at(name_len(body));
    if name.is_empty() {
        return Err(format!("`${{{body}}}` names no variable"));
    }
    let default = if let Some(word) = op.strip_prefix(":-").or_else(|| op.strip_prefix('-')) {
        Some(word.to_owned())
    } else if op.starts_with(":?") || op.starts_with('?') {
        // Compose refuses to start without it, so the operator always supplies one; a long stand-in
        // lets the settings loader judge the rest (a secret must be at least 32 bytes).
        Some(format!("{:x<64}", format!("operator-supplied-{name}-")))
    } else if op.starts_with(":+") || op.starts_with('+') || op.is_empty() {
        None
    } else {
        return Err(format!(
            "`${{{body}}}` is not an interpolation compose understands"
        ));
    };
    Ok((name.to_owned(), default))
}
