// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "dossier",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dossier", targets: ["dossier"]),
        .library(name: "DossierCore", targets: ["DossierCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        /// All domain logic: scan, manifests, snapshot, drift, events, queue, delivery, engine.
        .target(
            name: "DossierCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            swiftSettings: strict
        ),
        /// The reference webhook receiver (HTTP server, verification, store, reducer).
        .target(
            name: "DossierReceiver",
            dependencies: [
                "DossierCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        /// C module over the system ncursesw (see Sources/CNCursesW/shim.h).
        .systemLibrary(
            name: "CNCursesW",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        /// The ncurses dashboard: curses wrapper, pure model and renderer, app loop.
        .target(
            name: "DossierTUI",
            dependencies: ["DossierCore", "CNCursesW"],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "dossier",
            dependencies: [
                "DossierCore",
                "DossierReceiver",
                "DossierTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        /// `dossier-bench`: synthetic queue load and benchmarks for scripts/ and the end-to-end tests (not installed).
        .executableTarget(
            name: "dossier-bench",
            dependencies: [
                "DossierCore",
                "DossierTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        /// Fuzz targets: one file each under Tests/Fuzz/Targets, listed in `FuzzTarget.all` (scripts/fuzz.sh).
        .target(
            name: "DossierFuzzTargets",
            dependencies: ["DossierCore", "DossierReceiver"],
            path: "Tests/Fuzz/Targets",
            swiftSettings: strict
        ),
        /// libFuzzer's driver entry point, declared for the fuzz build (-DDOSSIER_LIBFUZZER).
        .systemLibrary(name: "CLibFuzzer", path: "Tests/Fuzz/CLibFuzzer"),
        /// `dossier-fuzz`: libFuzzer over a target when built with -sanitize=fuzzer, a corpus replayer otherwise.
        .executableTarget(
            name: "dossier-fuzz",
            dependencies: ["DossierFuzzTargets", "CLibFuzzer"],
            path: "Tests/Fuzz/Driver",
            swiftSettings: strict
        ),
        /// Helpers every test target shares (waiting for child processes off the cooperative pool).
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: strict
        ),
        .testTarget(
            name: "DossierCoreTests",
            dependencies: ["DossierCore", "TestSupport"],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DossierReceiverTests",
            dependencies: [
                "DossierCore", "DossierReceiver", "DossierFuzzTargets", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "DossierTUITests",
            dependencies: ["DossierTUI", "DossierCore", "TestSupport"],
            swiftSettings: strict
        ),
        /// Runs the real `dossier` binary (depends on it so `swift test` builds it first).
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "DossierCore", "dossier", "dossier-bench", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
    ]
)
