//! A port of validator.js `isEmail` (and the `isFQDN` it calls) with the options class-validator's
//! `IsEmail()` passes by default: no display name, no IP domain, TLD required, UTF-8 local part allowed.
//!
//! JavaScript regular expressions without the `u` flag see a string as UTF-16 code units, and lengths are
//! counted in those units too, so the character classes below are matched unit by unit. That is why an
//! emoji is accepted inside a domain label (its surrogates fall in `\u00a1-\uffff`) but not in a TLD or a
//! local part.

use super::EmailError;

const MAX_EMAIL_UTF16: usize = 254;
const MAX_LOCAL_BYTES: usize = 64;
const MAX_DOMAIN_BYTES: usize = 254;
const MAX_LABEL_UTF16: usize = 63;

pub(super) fn check(address: &str) -> Result<(), EmailError> {
    if address.encode_utf16().count() > MAX_EMAIL_UTF16 {
        return Err(EmailError::TooLong);
    }
    // validator.js splits at every '@', pops the domain and re-joins the rest: the last '@' decides.
    let Some(at) = address.rfind('@') else {
        return Err(EmailError::MissingAt);
    };
    let (local, domain) = (&address[..at], &address[at + 1..]);
    if local.len() > MAX_LOCAL_BYTES {
        return Err(EmailError::LocalPartTooLong);
    }
    if domain.len() > MAX_DOMAIN_BYTES {
        return Err(EmailError::DomainTooLong);
    }
    check_fqdn(domain)?;
    check_local_part(local)
}

fn check_fqdn(domain: &str) -> Result<(), EmailError> {
    let labels: Vec<&str> = domain.split('.').collect();
    let tld = labels.last().copied().unwrap_or_default();
    if labels.len() < 2 || !is_tld(tld) || tld.encode_utf16().any(is_js_whitespace_unit) {
        return Err(EmailError::MissingTld);
    }
    if labels.iter().all(|label| is_label(label)) {
        Ok(())
    } else {
        Err(EmailError::InvalidDomainLabel)
    }
}

/// `/^([a-z\u00A1-\u00A8\u00AA-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]{2,}|xn[a-z0-9-]{2,})$/i`
fn is_tld(tld: &str) -> bool {
    let units: Vec<u16> = tld.encode_utf16().collect();
    let letters = units.len() >= 2 && units.iter().all(|&u| is_tld_letter(u));
    let punycode = units.len() >= 4
        && units[..2]
            .iter()
            .map(|&u| ascii_lower(u))
            .eq([u16::from(b'x'), u16::from(b'n')])
        && units[2..]
            .iter()
            .all(|&u| is_ascii_alnum(u) || u == u16::from(b'-'));
    letters || punycode
}

fn is_tld_letter(u: u16) -> bool {
    is_ascii_alpha(u)
        || matches!(u, 0x00A1..=0x00A8 | 0x00AA..=0xD7FF | 0xF900..=0xFDCF | 0xFDF0..=0xFFEF)
}

/// isFQDN's per-label checks with `allow_underscores: false`.
fn is_label(label: &str) -> bool {
    let units: Vec<u16> = label.encode_utf16().collect();
    !units.is_empty()
        && units.len() <= MAX_LABEL_UTF16
        && units
            .iter()
            .all(|&u| is_ascii_alnum(u) || u == u16::from(b'-') || u >= 0x00A1)
        && !units.iter().any(|&u| (0xFF01..=0xFF5E).contains(&u))
        && units.first() != Some(&u16::from(b'-'))
        && units.last() != Some(&u16::from(b'-'))
}

fn check_local_part(local: &str) -> Result<(), EmailError> {
    if local.len() >= 2 && local.starts_with('"') && local.ends_with('"') {
        return check_quoted(&local[1..local.len() - 1]);
    }
    if local == "\"" {
        // validator.js slices `"` to the empty string, which its quoted pattern accepts.
        return Ok(());
    }
    let atoms_ok = local
        .split('.')
        .all(|atom| !atom.is_empty() && atom.encode_utf16().all(is_atom_unit));
    if atoms_ok {
        Ok(())
    } else {
        Err(EmailError::InvalidLocalPart)
    }
}

/// `emailUserUtf8Part`: `[a-z\d!#\$%&'\*\+\-\/=\?\^_`{\|}~\u00A1-\uD7FF\uF900-\uFDCF\uFDF0-\uFFEF]`, case-insensitive.
fn is_atom_unit(u: u16) -> bool {
    is_ascii_alnum(u)
        || u8::try_from(u).is_ok_and(|b| b"!#$%&'*+-/=?^_`{|}~".contains(&b))
        || is_utf8_extra(u, 0x00A1)
}

/// `quotedEmailUserUtf8`: plain units, or a backslash followed by an escapable unit.
fn check_quoted(inner: &str) -> Result<(), EmailError> {
    let mut units = inner.encode_utf16();
    while let Some(u) = units.next() {
        let ok = if u == u16::from(b'\\') {
            units.next().is_some_and(is_escapable_unit)
        } else {
            is_quoted_plain_unit(u)
        };
        if !ok {
            return Err(EmailError::InvalidQuotedLocalPart);
        }
    }
    Ok(())
}

fn is_quoted_plain_unit(u: u16) -> bool {
    is_js_whitespace_unit(u)
        || matches!(u, 0x01..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F | 0x7F | 0x21 | 0x23..=0x5B | 0x5D..=0x7E)
        || is_utf8_extra(u, 0x00A0)
}

fn is_escapable_unit(u: u16) -> bool {
    matches!(u, 0x01..=0x09 | 0x0B | 0x0C | 0x0D..=0x7F) || is_utf8_extra(u, 0x00A0)
}

/// The non-ASCII ranges validator.js allows in local parts; they stop short of surrogates.
fn is_utf8_extra(u: u16, from: u16) -> bool {
    (from..=0xD7FF).contains(&u) || matches!(u, 0xF900..=0xFDCF | 0xFDF0..=0xFFEF)
}

fn is_ascii_alpha(u: u16) -> bool {
    u8::try_from(u).is_ok_and(|b| b.is_ascii_alphabetic())
}

fn is_ascii_alnum(u: u16) -> bool {
    u8::try_from(u).is_ok_and(|b| b.is_ascii_alphanumeric())
}

fn ascii_lower(u: u16) -> u16 {
    u8::try_from(u).map_or(u, |b| u16::from(b.to_ascii_lowercase()))
}

/// JavaScript's `\s`, which is also what `String.prototype.trim` strips.
fn is_js_whitespace_unit(u: u16) -> bool {
    matches!(
        u,
        0x09..=0x0D | 0x20 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000 | 0xFEFF
    )
}

pub(super) fn is_js_whitespace(c: char) -> bool {
    u16::try_from(u32::from(c)).is_ok_and(is_js_whitespace_unit)
}
