// swift-tools-version: 6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "jetform",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jetform", targets: ["jetform"]),
        .library(name: "JetStreamSchema", targets: ["JetStreamSchema"]),
        .library(name: "NATS", targets: ["NATS"]),
        .library(name: "JetStream", targets: ["JetStream"]),
        .library(name: "Topology", targets: ["Topology"]),
        .library(name: "Reconcile", targets: ["Reconcile"]),
        .library(name: "Smoke", targets: ["Smoke"]),
        .library(name: "LocalCluster", targets: ["LocalCluster"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        // The one table of JetStream field knowledge, the ordered JSON value and its parser: Foundation only.
        .target(name: "JetStreamSchema", swiftSettings: strict),
        .target(
            name: "NATS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "JetStream",
            dependencies: ["JetStreamSchema", "NATS", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict
        ),
        .target(
            name: "Topology",
            dependencies: ["JetStreamSchema", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        .target(
            name: "Reconcile",
            dependencies: ["JetStreamSchema", "Topology", "JetStream", "NATS", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "Smoke",
            dependencies: [
                "JetStreamSchema", "Topology", "JetStream", "NATS",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(name: "LocalCluster", swiftSettings: strict),
        .executableTarget(
            name: "jetform",
            dependencies: [
                "JetStreamSchema", "NATS", "JetStream", "Topology", "Reconcile", "Smoke", "LocalCluster",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "jetform-bench-client",
            dependencies: ["NATS", .product(name: "NIOCore", package: "swift-nio")],
            path: "bench/client/swift",
            swiftSettings: strict
        ),
        .executableTarget(
            name: "jetform-bench-jetstream",
            dependencies: ["JetStream", "NATS", .product(name: "NIOCore", package: "swift-nio")],
            path: "bench/jetstream/swift",
            swiftSettings: strict
        ),
        // What the test targets share: SplitMix64, the repository root, cluster clients and placement waits.
        .target(
            name: "TestSupport",
            dependencies: ["NATS", "JetStream", "LocalCluster"],
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "NATSTests",
            dependencies: [
                "NATS", "LocalCluster", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TopologyTests",
            dependencies: ["JetStreamSchema", "Topology", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "JetStreamTests",
            dependencies: ["JetStreamSchema", "JetStream", "NATS", "LocalCluster", "TestSupport", .product(name: "NIOCore", package: "swift-nio")],
            resources: [.copy("Replies")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "ReconcileTests",
            dependencies: ["JetStreamSchema", "Reconcile", "Topology", "JetStream", "NATS", "LocalCluster", "TestSupport"],
            exclude: ["Examples", "Scripts"],
            resources: [.copy("Captured")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "SmokeTests",
            dependencies: ["JetStreamSchema", "Smoke", "Topology", "JetStream", "NATS", "LocalCluster", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(name: "LocalClusterTests", dependencies: ["LocalCluster"], swiftSettings: strict),
    ]
)
