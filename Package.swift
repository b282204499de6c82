// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "dmp-journal",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "DMPJournal", targets: ["DMPJournal"]),
        .library(name: "DMP", targets: ["DMP"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
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
            ]
        ),
        .target(
            name: "DMP",
            dependencies: ["DMPJournal"]
        ),
        // Test helper: a child process that appends to a journal and reports acknowledgements,
        // killed at random moments by the crash tests.
        .executableTarget(
            name: "journal-crash-child",
            dependencies: ["DMPJournal"],
            path: "Tests/Support/journal-crash-child"
        ),
        .testTarget(
            name: "DMPJournalTests",
            dependencies: ["DMPJournal", "journal-crash-child"]
        ),
        .testTarget(
            name: "DMPTests",
            dependencies: ["DMP"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
