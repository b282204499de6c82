// swift-tools-version: 6.2
import PackageDescription

/// Our own targets build with warnings as errors (dependencies are not affected).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "dmp-journal",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DMPJournal", targets: ["DMPJournal"]),
        .library(name: "DMP", targets: ["DMP"]),
        .executable(name: "dmp", targets: ["dmp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(
            name: "DMPJournal",
            dependencies: [
                "CLZ4",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "DMP",
            dependencies: [
                "DMPJournal",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dmp",
            dependencies: [
                "DMP",
                "DMPJournal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Test helper: a child process that appends to a journal and reports acknowledgements,
        // killed at random moments by the crash tests.
        .executableTarget(
            name: "journal-crash-child",
            dependencies: ["DMPJournal"],
            path: "Tests/Support/journal-crash-child",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DMPJournalTests",
            dependencies: ["DMPJournal", "journal-crash-child"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "dmpTests",
            dependencies: ["dmp", "DMP", "DMPJournal"],
            exclude: ["Fixtures", "validate_cli_output.py"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DMPTests",
            dependencies: ["DMP"],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
