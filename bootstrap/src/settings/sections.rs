//! Flat keys, as operators write them, put into the sections the settings are made of.
//!
//! Every source (the TOML file, `.env`, the environment) speaks flat keys: `PORT`,
//! `<PREFIX>DB_MAX_CONNECTIONS`.
//! The settings are a struct of sections, so each source is wrapped in [`Sectioned`], which moves every
//! key it knows into its section before figment merges the sources. A key no section knows stays at the
//! top level, where `deny_unknown_fields` refuses it by name. The sections' keys are read off the
//! section structs themselves, so a new field needs no second list to be kept in step.

use std::collections::BTreeMap;
use std::path::Path;

use figment::value::{Dict, Map, Value};
use figment::{Error, Metadata, Profile, Provider};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::{DatabaseSettings, LogSettings, ServerSettings};
use crate::service::{self, ModuleSettings};

/// Every key and the path of sections it belongs under.
fn key_paths() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut paths = BTreeMap::new();
    let generic = [
        ("server", field_names::<ServerSettings>()),
        ("database", field_names::<DatabaseSettings>()),
        ("log", field_names::<LogSettings>()),
    ];
    for (section, keys) in generic {
        for key in keys {
            paths.insert(*key, vec![section]);
        }
    }
    for (section, keys) in ModuleSettings::sections() {
        for key in keys {
            paths.insert(*key, vec!["modules", section]);
        }
    }
    paths
}

/// Wraps a provider of flat keys so that it provides them in their sections.
pub(super) fn sectioned<P: Provider>(inner: P) -> Sectioned<P> {
    Sectioned {
        inner,
        paths: key_paths(),
    }
}

pub(super) struct Sectioned<P> {
    inner: P,
    paths: BTreeMap<&'static str, Vec<&'static str>>,
}

impl<P: Provider> Provider for Sectioned<P> {
    fn metadata(&self) -> Metadata {
        self.inner.metadata()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, Error> {
        let mut data = self.inner.data()?;
        for dict in data.values_mut() {
            let flat = std::mem::take(dict);
            for (key, value) in flat {
                match self.paths.get(key.as_str()) {
                    Some(path) => insert_at(dict, path, key, value),
                    None => {
                        dict.insert(key, value);
                    }
                }
            }
        }
        Ok(data)
    }

    fn profile(&self) -> Option<Profile> {
        self.inner.profile()
    }
}

fn insert_at(dict: &mut Dict, path: &[&str], key: String, value: Value) {
    let Some((section, rest)) = path.split_first() else {
        dict.insert(key, value);
        return;
    };
    let entry = dict
        .entry((*section).to_owned())
        .or_insert_with(|| Value::from(Dict::new()));
    if !matches!(entry, Value::Dict(..)) {
        // A flat key that names a section (`<PREFIX>SERVER=1`) stays as it was, and extraction refuses it.
        return;
    }
    if let Value::Dict(_, inner) = entry {
        insert_at(inner, rest, key, value);
    }
}

/// `.env` entries for our keys, parsed the way figment parses environment values. A missing file is
/// simply no layer; an unreadable one is reported by key when extraction fails.
pub(super) fn dotenv(path: &Path) -> Dict {
    let mut dict = Dict::new();
    let Ok(entries) = dotenvy::from_path_iter(path) else {
        return dict;
    };
    for (key, value) in entries.flatten() {
        let name = if key == "PORT" {
            Some("port".to_owned())
        } else {
            key.strip_prefix(service::ENV_PREFIX)
                .map(str::to_ascii_lowercase)
        };
        if let Some(name) = name {
            dict.insert(
                name,
                value
                    .parse::<Value>()
                    .unwrap_or_else(|never| match never {}),
            );
        }
    }
    dict
}

/// The field names of a struct that derives `Deserialize`, as serde names them: the keys it accepts.
pub fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    let mut names = FieldNames(None);
    // The deserializer records the names serde hands it and then refuses, so this always errs.
    let _ = T::deserialize(&mut names);
    names.0.unwrap_or(&[])
}

struct FieldNames(Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for &mut FieldNames {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0 = Some(fields);
        Err(de::Error::custom("only the field names were wanted"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn field_names_are_the_structs_own() {
        assert!(field_names::<LogSettings>() == ["log_format", "log_level"]);
        assert!(field_names::<ServerSettings>().contains(&"port"));
    }

    #[test]
    fn no_key_belongs_to_two_sections() {
        let mut seen = BTreeSet::new();
        let mut all: Vec<&str> = [
            field_names::<ServerSettings>(),
            field_names::<DatabaseSettings>(),
            field_names::<LogSettings>(),
        ]
        .concat();
        for (_, keys) in ModuleSettings::sections() {
            all.extend_from_slice(keys);
        }
        for key in all {
            assert!(seen.insert(key), "the key {key} is in two sections");
        }
        assert_eq!(key_paths().len(), seen.len());
    }
}
