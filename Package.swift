// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Ladder",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ladder", targets: ["ladder"]),
        .library(name: "LadderCore", targets: ["LadderCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "Clibgit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "CLadderTLS", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "LadderGit", dependencies: ["Clibgit2", "CLadderTLS"]),
        .target(
            name: "LadderCore",
            dependencies: [
                "LadderGit",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),
        .target(
            name: "LadderCLI",
            dependencies: [
                "LadderCore",
                "LadderGit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "ladder", dependencies: ["LadderCLI"]),
        .executableTarget(name: "ladder-bench-gen", dependencies: ["LadderCore"], path: "Benchmarks/Generator"),
        .target(name: "LadderTestSupport", dependencies: ["LadderGit", "LadderCore"], path: "Tests/LadderTestSupport"),
        .testTarget(name: "LadderGitTests", dependencies: ["LadderGit", "LadderTestSupport"]),
        .testTarget(name: "LadderCoreTests", dependencies: ["LadderCore", "LadderGit", "LadderTestSupport"]),
        .testTarget(name: "LadderCLITests", dependencies: ["LadderCLI", "LadderCore", "LadderTestSupport"]),
        .testTarget(name: "LadderEndToEndTests", dependencies: ["LadderTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
