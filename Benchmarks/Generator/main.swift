import Foundation

// ladder-bench-gen: the monorepo generator behind `make bench` (see Benchmarks/README.md).

let gitEnvironment: [String: String] = {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    return environment
}()

func git(_ arguments: [String], in directory: String? = nil) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + (directory.map { ["-C", $0] } ?? []) + arguments
    process.environment = gitEnvironment
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw GeneratorError("git \(arguments.joined(separator: " ")) exited with status \(process.terminationStatus)")
    }
}

func makeUnits(count: Int, random: inout SeededGenerator) -> [Unit] {
    let domains = [
        "payments", "orders", "checkout", "search", "catalog", "billing", "auth", "profile", "inventory",
        "shipping", "pricing", "cart", "reviews", "notify", "ledger", "gateway", "reports", "media", "geo", "fraud",
    ]
    let roles = ["api", "worker", "web", "sync", "proxy", "cron", "grpc", "events"]
    let teams = ["core", "growth", "money", "platform", "logistics", "data"]
    let width = max(3, String(count).count)
    return (0..<count).map { index in
        let number = String(index)
        let padded = String(repeating: "0", count: width - number.count) + number
        return Unit(
            name: "\(random.pick(domains))-\(random.pick(roles))-\(padded)", team: random.pick(teams),
            port: 8000 + random.below(100), hasTerragrunt: index % 3 == 0, hasFeatures: index % 2 == 0)
    }
}

func generate(_ options: Options) throws {
    let started = Date()
    let fileManager = FileManager.default
    guard !fileManager.fileExists(atPath: options.output) else {
        throw GeneratorError("\(options.output) already exists")
    }
    let temporary = options.output + ".partial-\(ProcessInfo.processInfo.processIdentifier)"
    try? fileManager.removeItem(atPath: temporary)
    try git(["init", "-q", "--bare", "-b", "main", temporary])

    var random = SeededGenerator(seed: options.seed)
    let units = makeUnits(count: options.units, random: &random)
    let stream = try FastImport(repository: temporary, environment: gitEnvironment)
    var history = HistoryWriter(
        options: options, units: units, stream: stream, random: SeededGenerator(seed: options.seed &+ 1))
    try history.write()
    if options.pendingBranch { try history.writePendingProdBranch() }
    var audit = AuditLogWriter(
        count: options.auditEvents, units: units, stream: stream, random: SeededGenerator(seed: options.seed &+ 2),
        startTime: options.startTime, endTime: history.time)
    audit.write()
    try stream.finish()

    try git(["update-ref", "-d", HistoryWriter.sideRef], in: temporary)
    try git(["pack-refs", "--all"], in: temporary)
    if options.commitGraph { try git(["commit-graph", "write", "--reachable"], in: temporary) }
    try fileManager.moveItem(atPath: temporary, toPath: options.output)

    if let manifest = options.manifest {
        let text = """
            # ladder-bench-gen manifest (shell syntax)
            size=\(options.size)
            units=\(options.units)
            commits=\(history.commits)
            seed=\(options.seed)
            audit_events=\(options.auditEvents)
            differing_units="\(history.differingUnits.joined(separator: " "))"

            """
        try text.write(toFile: manifest, atomically: true, encoding: .utf8)
    }
    let seconds = Date().timeIntervalSince(started)
    FileHandle.standardError.write(
        Data(
            "ladder-bench-gen: \(options.output): \(options.units) units, \(history.commits) commits, \(options.auditEvents) audit events in \(String(format: "%.1f", seconds)) s\n"
                .utf8))
}

do {
    try generate(try Options.parse(Array(CommandLine.arguments.dropFirst())))
} catch {
    FileHandle.standardError.write(Data("ladder-bench-gen: error: \(error)\n".utf8))
    exit(2)
}
