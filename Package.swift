// swift-tools-version: 6.1
import PackageDescription

// Pure modules (Wire, Core, View) import nothing but the standard library and each other,
// so everything interesting is testable without a socket or a terminal.
// I/O lives in Network (client sockets), Simulator (the demo server) and Terminal (ncurses).
let package = Package(
    name: "tfdrift-tui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tfdrift-tui", targets: ["tfdrift-tui"]),
        .executable(name: "tfdrift-bench", targets: ["tfdrift-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The benchmark's latency percentiles (key press to screen).
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CNcursesw",
            providers: [.apt(["libncursesw5-dev"])]
        ),
        .target(name: "TFDriftWire"),
        .target(name: "TFDriftCore", dependencies: ["TFDriftWire"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "TFDriftView", dependencies: ["TFDriftCore", "TFDriftWire"], linkerSettings: [.linkedLibrary("m")]),
        .target(name: "TFDriftTerminal", dependencies: ["CNcursesw", "TFDriftWire", "TFDriftCore", "TFDriftView"]),
        .target(
            name: "TFDriftNetwork",
            dependencies: [
                "TFDriftWire", "TFDriftCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Theme and configuration files (YAML through Yams, which keeps each value's line for messages).
        .target(
            name: "TFDriftConfig",
            dependencies: ["TFDriftWire", "TFDriftCore", "TFDriftView", .product(name: "Yams", package: "Yams")]
        ),
        .target(
            name: "TFDriftRuntime",
            dependencies: ["TFDriftWire", "TFDriftCore", "TFDriftView", "TFDriftNetwork", .product(name: "Logging", package: "swift-log")],
            plugins: ["BuildInfo"]
        ),
        // Version, commit and build date for `--version`, recordings and the log (Scripts/build-info.sh).
        .plugin(name: "BuildInfo", capability: .buildTool()),
        .target(
            name: "TFDriftSimulator",
            dependencies: [
                "TFDriftWire",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .executableTarget(
            name: "tfdrift-tui",
            dependencies: [
                "TFDriftWire", "TFDriftCore", "TFDriftView", "TFDriftTerminal", "TFDriftConfig",
                "TFDriftNetwork", "TFDriftRuntime", "TFDriftSimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The benchmark's pseudo-terminal (the dashboard measured under the real ncurses driver).
        .target(name: "CPseudoTerminal"),
        // The benchmark's allocation counter (it replaces malloc in the benchmark's process only).
        .target(name: "CMallocCounter"),
        .executableTarget(
            name: "tfdrift-bench",
            dependencies: [
                "TFDriftWire", "TFDriftCore", "TFDriftView", "TFDriftNetwork", "TFDriftRuntime", "TFDriftSimulator", "CPseudoTerminal", "CMallocCounter",
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        // libFuzzer targets (Scripts/fuzz.sh builds them with -DFUZZING); otherwise a replayer of regression inputs.
        .executableTarget(
            name: "tfdrift-fuzz",
            dependencies: ["TFDriftWire", "TFDriftCore", "TFDriftView", "TFDriftRuntime", "TFDriftConfig"]
        ),
        .testTarget(name: "WireTests", dependencies: ["TFDriftWire"]),
        .testTarget(name: "CoreTests", dependencies: ["TFDriftCore", "TFDriftWire"]),
        .testTarget(name: "ConfigTests", dependencies: ["TFDriftConfig", "TFDriftView", "TFDriftCore", "TFDriftWire"], exclude: ["Snapshots"]),
        .testTarget(name: "ViewTests", dependencies: ["TFDriftView", "TFDriftCore", "TFDriftWire", "TFDriftTerminal"], exclude: ["Snapshots"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "TFDriftNetwork", "TFDriftRuntime", "TFDriftSimulator", "TFDriftCore", "TFDriftWire", "TFDriftView",
                // The CONNECT proxy the proxy tests start.
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            exclude: ["Recordings"]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["TFDriftSimulator"]),
    ],
    swiftLanguageModes: [.v6]
)
