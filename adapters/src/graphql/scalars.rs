//! Scalars every service shares.

use std::borrow::Cow;

use async_graphql::registry::Registry;
use async_graphql::{InputType, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::{DateTime as ChronoDateTime, SecondsFormat, Utc};

/// An instant in UTC, ISO 8601 with milliseconds.
// Written as NestJS writes a JavaScript `Date`: ISO 8601 in UTC with milliseconds,
// `2025-02-15T10:40:24.123Z`, so clients of the seed parse it unchanged.
pub struct DateTime(pub ChronoDateTime<Utc>);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => ChronoDateTime::parse_from_rfc3339(s)
                .map(|t| Self(t.with_timezone(&Utc)))
                .map_err(|_| InputValueError::custom("DateTime must be an RFC 3339 string")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

/// A `DateTime` as a client sent it, not yet parsed: the same GraphQL scalar as [`DateTime`], for
/// inputs that leave the parsing to the domain's rules, so that a malformed one is refused as
/// `BAD_USER_INPUT` naming its field, beside every other broken rule of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTimeText(pub String);

impl InputType for DateTimeText {
    type RawValueType = Self;

    fn type_name() -> Cow<'static, str> {
        <DateTime as InputType>::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        <DateTime as InputType>::create_type_info(registry)
    }

    fn parse(value: Option<Value>) -> InputValueResult<Self> {
        match value {
            Some(Value::String(text)) => Ok(Self(text)),
            other => Err(InputValueError::expected_type(other.unwrap_or_default())),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        async fn echo(&self, at: DateTimeText) -> String {
            at.0
        }

        async fn now(&self) -> DateTime {
            DateTime(ChronoDateTime::UNIX_EPOCH)
        }
    }

    #[tokio::test]
    async fn the_text_form_is_the_same_scalar_and_passes_any_string_through() {
        let schema = Schema::new(Query, EmptyMutation, EmptySubscription);
        let sdl = schema.sdl();
        assert_eq!(sdl.matches("scalar DateTime").count(), 1, "{sdl}");
        assert!(sdl.contains("echo(at: DateTime!): String!"), "{sdl}");
        let response = schema.execute(r#"{ echo(at: "next tuesday") now }"#).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let body = serde_json::to_value(&response.data).expect("JSON");
        assert_eq!(body["echo"], "next tuesday");
        assert_eq!(body["now"], "1970-01-01T00:00:00.000Z");
        let response = schema.execute("{ echo(at: 5) }").await;
        assert!(!response.errors.is_empty(), "not a string");
    }
}
