//! What metrics cost a request, measured apart from the noise of a load run: the recordings one
//! `user(id)` request makes (its operation, with three labels made per request, and its store call),
//! into the Prometheus recorder the service installs, with the same buckets.
//!
//!   cargo bench -p jobber-auth --bench metrics_recording

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use metrics_exporter_prometheus::PrometheusBuilder;

const BUCKETS: &[f64] = &[
    0.000_25, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

fn one_request() {
    let labels = [
        ("operation", "query".to_owned()),
        ("field", "user".to_owned()),
        ("code", "OK".to_owned()),
    ];
    metrics::histogram!("graphql_operation_duration_seconds", &labels)
        .record(Duration::from_micros(180));
    metrics::histogram!("db_call_duration_seconds", "outcome" => "ok")
        .record(Duration::from_micros(90));
}

fn recording(c: &mut Criterion) {
    let recorder = PrometheusBuilder::new()
        .set_buckets(BUCKETS)
        .expect("buckets")
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).expect("the only recorder in this process");
    let mut group = c.benchmark_group("metrics");
    group.bench_function("one user(id) request's recordings", |b| {
        let mut n = 0u32;
        b.iter(|| {
            one_request();
            n += 1;
            // As the service's upkeep does every 5 s: samples are folded into buckets, not kept.
            if n.is_multiple_of(100_000) {
                handle.run_upkeep();
            }
        });
    });
    group.bench_function("a scrape of those series", |b| b.iter(|| handle.render()));
    group.finish();
}

criterion_group!(benches, recording);
criterion_main!(benches);
