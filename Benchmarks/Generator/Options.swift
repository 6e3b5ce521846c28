import Foundation

/// What to generate. Every field has a default from the size preset; flags override them.
struct Options {
    var size = "S"
    var units = 100
    var commits = 500
    var seed: UInt64 = 1
    /// Units whose content differs between dev and staging at the tip: the units a
    /// `ladder promote dev staging` moves and a `ladder diff dev staging` reports.
    var differingUnits = 1
    var auditEvents = 0
    var output = ""
    var manifest: String?
    var pendingBranch = true
    var commitGraph = true
    /// 2023-01-02T09:00:00Z: every commit lies in the past, so soak rules are satisfied.
    let startTime: Int64 = 1_672_650_000

    static let usage = """
        usage: ladder-bench-gen --output PATH [--size S|M|L] [--units N] [--commits N] [--seed N]
                                [--differ-fraction F | --differ-units N] [--audit-events N]
                                [--manifest FILE] [--no-pending-branch] [--no-commit-graph]

        Writes a bare git repository shaped like a Ladder monorepo: ladder.yaml, templates/, and
        environments/{dev,staging,prod}/<unit>/ with about 8 files per unit, a trunk history of
        edits in dev and promotions (plain, squash and merge commits with Ladder trailers), and
        optionally a hash-chained audit log on refs/ladder/audit. The same options always give
        the same repository.

        Sizes: S = 100 units, 500 commits; M = 1,000 units, 20,000 commits;
               L = 5,000 units, 5,000 commits.
        --differ-fraction F   fraction of units whose dev differs from staging (default 0.01)
        --differ-units N      the same as a count (the units `ladder promote dev staging` moves)
        --audit-events N      events on refs/ladder/audit (default 0)
        --manifest FILE       write shell-readable facts about the result (units that differ, ...)

        """

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var fraction = 0.01
        var explicitUnits: Int?
        var explicitCommits: Int?
        var explicitDiffer: Int?
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw GeneratorError("\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        func number(_ text: String) throws -> Int {
            guard let number = Int(text.replacingOccurrences(of: "_", with: "")), number >= 0 else {
                throw GeneratorError("not a count: '\(text)'")
            }
            return number
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--size": options.size = try value().uppercased()
            case "--units": explicitUnits = try number(try value())
            case "--commits": explicitCommits = try number(try value())
            case "--seed": options.seed = UInt64(try number(try value()))
            case "--differ-fraction":
                let text = try value()
                guard let parsed = Double(text), (0...1).contains(parsed) else { throw GeneratorError("not a fraction: '\(text)'") }
                fraction = parsed
            case "--differ-units": explicitDiffer = try number(try value())
            case "--audit-events": options.auditEvents = try number(try value())
            case "--output", "-o": options.output = try value()
            case "--manifest": options.manifest = try value()
            case "--no-pending-branch": options.pendingBranch = false
            case "--no-commit-graph": options.commitGraph = false
            case "--help", "-h":
                print(usage, terminator: "")
                exit(0)
            default: throw GeneratorError("unknown argument '\(arguments[index])'")
            }
            index += 1
        }
        switch options.size {
        case "S": (options.units, options.commits) = (100, 500)
        case "M": (options.units, options.commits) = (1_000, 20_000)
        case "L": (options.units, options.commits) = (5_000, 5_000)
        default: throw GeneratorError("unknown size '\(options.size)' (expected S, M or L)")
        }
        if let explicitUnits { options.units = explicitUnits }
        if let explicitCommits { options.commits = explicitCommits }
        guard options.units >= 1 else { throw GeneratorError("--units must be 1 or more") }
        options.differingUnits = explicitDiffer ?? Int((Double(options.units) * fraction).rounded())
        guard options.differingUnits <= options.units else { throw GeneratorError("more differing units than units") }
        guard options.commits >= options.differingUnits + 2 else {
            throw GeneratorError("--commits must leave room for the differing units (at least \(options.differingUnits + 2))")
        }
        guard !options.output.isEmpty else { throw GeneratorError("--output PATH is required") }
        return options
    }
}
