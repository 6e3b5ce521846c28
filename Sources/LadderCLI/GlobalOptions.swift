import ArgumentParser
import Foundation
import LadderCore

/// Report formats of commands that print a report.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never
}

/// Options every command accepts, before or after the subcommand name (as with git).
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if Ladder was started in <path>.", valueName: "path"))
    var directory: String?

    @Option(name: .customLong("config"), help: ArgumentHelp("Read the configuration from FILE instead of ladder.yaml in the commit.", valueName: "FILE"))
    var configFile: String?

    @Option(help: "Report format: text, json or markdown.")
    var format: OutputFormat?

    @Flag(help: "Short for --format json.")
    var json = false

    @Option(help: "Colour: auto, always or never (NO_COLOR is honoured).")
    var color: ColorMode = .auto

    @Option(help: ArgumentHelp("Use this time (RFC 3339) instead of the clock.", valueName: "time"))
    var now: String?

    @Flag(name: [.customShort("q"), .long], help: "Print only errors and the essential result.")
    var quiet = false

    @Flag(name: [.customShort("v"), .long], help: "Explain what Ladder is doing on stderr.")
    var verbose = false

    func validate() throws {
        if json, let format, format != .json {
            throw ValidationError("--json conflicts with --format \(format.rawValue)")
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    var effectiveFormat: OutputFormat { json ? .json : (format ?? .text) }

    /// The directory to work in.
    var workingDirectory: String {
        guard let directory else { return FileManager.default.currentDirectoryPath }
        if directory.hasPrefix("/") { return directory }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(directory)
    }

    /// `--config` resolved against the directory Ladder was started in.
    var resolvedConfigFile: String? {
        guard let configFile else { return nil }
        if configFile.hasPrefix("/") { return configFile }
        return (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(configFile)
    }
}

/// Moves global options written before the subcommand name to just after it, so that
/// `ladder -C repo --json diff dev staging` parses like `ladder diff -C repo --json dev staging`.
enum ArgumentNormaliser {
    static let valued: Set<String> = ["-C", "--config", "--format", "--color", "--now"]
    static let flags: Set<String> = ["--json", "-q", "--quiet", "-v", "--verbose"]

    static func normalise(_ arguments: [String], commands: [String: Set<String>]) -> [String] {
        var globals: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let name = argument.split(separator: "=", maxSplits: 1).first.map(String.init) ?? argument
            if flags.contains(argument) {
                globals.append(argument)
                index += 1
            } else if valued.contains(argument), index + 1 < arguments.count {
                globals.append(contentsOf: [argument, arguments[index + 1]])
                index += 2
            } else if argument.hasPrefix("--"), argument.contains("="), valued.contains(name) {
                globals.append(argument)
                index += 1
            } else if argument.hasPrefix("-C"), argument.count > 2 {
                globals.append(contentsOf: ["-C", String(argument.dropFirst(2))])
                index += 1
            } else {
                break
            }
        }
        guard !globals.isEmpty else { return arguments }
        var rest = Array(arguments[index...])
        // Find the end of the subcommand path (e.g. `audit export`).
        var pathLength = 0
        if let first = rest.first, let children = commands[first] {
            pathLength = 1
            if rest.count > 1, children.contains(rest[1]) { pathLength = 2 }
        }
        guard pathLength > 0 else { return globals + rest }
        rest.insert(contentsOf: globals, at: pathLength)
        return rest
    }
}

extension GlobalOptions {
    /// `--now` as a date, or nil for the clock.
    /// The time to use: `--now` when given, else the clock.
    func clock() throws -> Date {
        try parsedNow() ?? Date()
    }

    /// `--now` parsed as RFC 3339, or nil when not given.
    func parsedNow() throws -> Date? {
        guard let now else { return nil }
        do {
            return try Timestamp.parse(now)
        } catch {
            throw WorkspaceError.invalidInput("bad --now: \((error as? LocalizedError)?.errorDescription ?? "\(error)")")
        }
    }
}
