// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Luna",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "lunad", targets: ["lunad"]),
        .executable(name: "luna", targets: ["luna"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // Reads Specs/openapi.yaml in the test that holds the router and the spec equal.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        // Renders the boot, installer and (later) service templates in Templates/.
        .package(url: "https://github.com/stencilproject/Stencil.git", from: "0.15.1"),
        // Runs the daemons' own checkers (kea-dhcp4 -t …) with a timeout, arguments never a shell string.
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        // GET /metrics: counters and histograms through swift-metrics, written out by Prometheus' exporter.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CLZ4",
            pkgConfig: "liblz4",
            providers: [.apt(["liblz4-dev"])]
        ),
        .target(name: "LunaModel"),
        .target(
            name: "LunaLog",
            dependencies: [
                "LunaModel", "CLZ4",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "LunaDomain",
            dependencies: [
                "LunaModel",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(name: "LunaReplication", dependencies: ["LunaModel"]),
        .target(
            name: "LunaBoot",
            dependencies: [
                "LunaModel", "LunaDomain",
                .product(name: "Stencil", package: "Stencil"),
            ]
        ),
        .target(
            name: "LunaTransport",
            dependencies: [
                "LunaModel", "LunaLog", "LunaReplication",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "LunaServices",
            dependencies: [
                "LunaModel", "LunaDomain",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LunaStore",
            dependencies: [
                "LunaModel", "LunaDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LunaRuntime",
            dependencies: [
                "LunaModel", "LunaLog", "LunaDomain", "LunaStore", "LunaReplication", "LunaTransport", "LunaBoot",
                "LunaServices",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "LunaAPI",
            dependencies: [
                "LunaModel", "LunaDomain", "LunaRuntime", "LunaBoot", "LunaServices",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "lunad",
            dependencies: [
                "LunaModel", "LunaLog", "LunaRuntime", "LunaAPI", "LunaTransport", "LunaBoot", "LunaServices",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "luna",
            dependencies: [
                "LunaModel", "LunaLog", "LunaDomain", "LunaStore", "LunaRuntime", "LunaTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "luna-bench",
            dependencies: [
                "LunaModel", "LunaLog", "LunaDomain", "LunaStore", "LunaRuntime", "LunaReplication", "LunaTransport",
                "LunaServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "LunaDomainTests", dependencies: ["LunaDomain", "LunaModel"]),
        .testTarget(
            name: "LunaServicesTests",
            dependencies: [
                "LunaServices", "LunaDomain", "LunaModel", "LunaRuntime", "LunaTransport",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "LunaBootTests", dependencies: ["LunaBoot", "LunaDomain", "LunaModel", "LunaRuntime"]),
        .testTarget(name: "LunaLogTests", dependencies: ["LunaLog", "LunaModel"]),
        .target(name: "LunaTestSupport", path: "Tests/LunaTestSupport"),
        .testTarget(
            name: "LunaReplicationTests", dependencies: ["LunaReplication", "LunaDomain", "LunaModel", "LunaTestSupport"]),
        .testTarget(
            name: "LunaStoreTests",
            dependencies: [
                "LunaStore", "LunaDomain", "LunaModel", "LunaLog", "LunaRuntime", "LunaReplication", "LunaTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "LunaAPITests",
            dependencies: [
                "LunaAPI", "LunaRuntime", "LunaLog", "LunaModel", "LunaBoot", "LunaServices",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LunadProcessTests",
            dependencies: [
                "LunaLog", "LunaModel", "LunaRuntime", "LunaTransport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "LunaCLITests", dependencies: ["LunaModel"]),
    ]
)
