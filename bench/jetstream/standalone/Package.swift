// swift-tools-version: 6.1
// Builds the JetStream bench driver against the checkout without touching the root Package.swift
// (used by run.sh until the root package has the `jetform-bench-jetstream` executable target).
import PackageDescription

let package = Package(
    name: "jetform-bench-jetstream",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "jetform", path: "../../..")],
    targets: [
        .executableTarget(
            name: "jetform-bench-jetstream",
            dependencies: [.product(name: "JetStream", package: "jetform"), .product(name: "NATS", package: "jetform")]
        ),
    ]
)
