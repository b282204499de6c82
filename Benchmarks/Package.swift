// swift-tools-version: 6.2
import PackageDescription

// The benchmark suite of dmp-journal: its own package, so that users of the library never pull
// benchmark dependencies. See README.md beside this file.
//
// - `JournalBenchmarks` (under `Benchmarks/`, run by `swift package benchmark`): ordo-one/benchmark
//   suites with allocation-count thresholds, each journal operation beside its baseline.
// - `journal-bench` (plain executable): what package-benchmark's model does not fit — many
//   concurrent appenders, commit-latency percentiles, sizes — printed as one results table with
//   every figure as a ratio against a baseline measured in the same run.

let package = Package(
    name: "dmp-journal-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // By path, whatever the checkout directory is called (the identity of a path dependency is its
        // directory name, so it is named here).
        .package(name: "dmp-journal", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // liblz4 for the baselines (raw block decompression); the root's CLZ4 is not a product.
        .systemLibrary(
            name: "CLZ4Baseline",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        // Shared by both executables: the synthetic event generator, the cached fixtures (a
        // 1 M-event journal and the same events in SQLite) and the baselines.
        .target(
            name: "JournalBenchSupport",
            dependencies: [
                "CLZ4Baseline",
                .product(name: "DMPJournal", package: "dmp-journal"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "journal-bench",
            dependencies: [
                "JournalBenchSupport",
                .product(name: "DMPJournal", package: "dmp-journal"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .executableTarget(
            name: "JournalBenchmarks",
            dependencies: [
                "JournalBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DMPJournal", package: "dmp-journal"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/JournalBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "DomainBenchmarks",
            dependencies: [
                "JournalBenchSupport",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DMP", package: "dmp-journal"),
                .product(name: "DMPJournal", package: "dmp-journal"),
            ],
            path: "Benchmarks/DomainBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        // The domain's end-to-end figures: full replay with projections (1 M and 10 M events)
        // against Foundation's JSONDecoder and SQLite read-back, single-dossier queries through the
        // sidecar index, peak memory.
        .executableTarget(
            name: "domain-bench",
            dependencies: [
                "JournalBenchSupport",
                .product(name: "DMP", package: "dmp-journal"),
                .product(name: "DMPJournal", package: "dmp-journal"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
