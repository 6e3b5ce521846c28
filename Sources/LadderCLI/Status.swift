import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show units × environments: versions, content ids, what lags behind its source.",
            discussion: """
                Each cell shows the unit's version (the value of version_key) or a short id of its promotable content; two environments with the same id hold the same promotable content. A cell marked '*' differs from the environment that feeds it.

                Contents depend only on a unit's tree and the promotion rules, so they are kept in $GIT_DIR/ladder/unit-contents for the next run: after a promotion only the promoted units are read again. The file is a cache (rebuilt when ladder.yaml's rules or Ladder change, ignored when damaged); --no-cache bypasses it.

                Examples:
                  ladder status
                  ladder status --unit payments --json
                  ladder -C path/to/repo status --ref release-2026-11
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(name: .customLong("unit"), help: "Show only this unit (repeatable).")
        var units: [String] = []

        @Option(help: ArgumentHelp("Show the environments at this revision instead of the trunk tip.", valueName: "REV"))
        var ref: String?

        @Flag(name: .customLong("no-cache"), help: "Compute every unit's content afresh; neither read nor update $GIT_DIR/ladder/unit-contents.")
        var noCache = false

        func run() throws {
            let console = Console(options: global)
            let workspace = try global.openWorkspace(revision: ref)
            try workspace.validateUnits(units, environments: workspace.config.environments)
            let report = try workspace.status(units: units, cache: !noCache)
            switch console.format {
            case .json: console.out(StatusFormatter.json(report).pretty)
            case .markdown: console.out(StatusFormatter.markdown(report))
            case .text: console.section("status", "ladder status", StatusFormatter.text(report, console: console))
            }
            console.stepSummary(StatusFormatter.markdown(report))
        }
    }
}

enum StatusFormatter {
    static func json(_ report: StatusReport) -> JSONValue {
        let units: [JSONValue] = report.units.map { row in
            var environments: [String: JSONValue] = [:]
            for name in report.environments {
                guard let cell = row.cells[name] else {
                    environments[name] = .null
                    continue
                }
                var object: [String: JSONValue] = [
                    "version": .optional(cell.version),
                    "content": .string(cell.content),
                    "matches_source": cell.matchesSource.map(JSONValue.bool) ?? .null,
                ]
                if let source = cell.source { object["source"] = .string(source) }
                environments[name] = .object(object)
            }
            return ["unit": .string(row.unit), "environments": .object(environments)]
        }
        let pending: [JSONValue] = report.pending.map {
            ["branch": .string($0.branch), "from": .string($0.from), "to": .string($0.to), "commit": .string($0.commit.hex)]
        }
        var last: [String: JSONValue] = [:]
        for promotion in report.lastPromotions {
            last[promotion.environment] = [
                "commit": .string(promotion.commit.hex),
                "from": .optional(promotion.from),
                "promotion_id": .optional(promotion.promotionID),
                "time": .string(AuditTime.format(promotion.time)),
                "summary": .string(promotion.summary),
            ]
        }
        return [
            "commit": .string(report.commit.hex),
            "environments": .array(report.environments.map(JSONValue.string)),
            "units": .array(units),
            "pending": .array(pending),
            "last_promotions": .object(last),
        ]
    }

    static func cellText(_ cell: StatusReport.Cell?) -> String {
        guard let cell else { return "—" }
        let value = cell.version ?? cell.content
        return cell.matchesSource == false ? "\(value) *" : value
    }

    static func text(_ report: StatusReport, console: Console) -> String {
        var lines: [String] = []
        lines.append(console.style("Environments at \(report.revision) (\(report.commit.short))", .bold))
        if report.units.isEmpty {
            lines.append("no units found in any environment")
        } else {
            var table = TextTable(["UNIT"] + report.environments)
            for row in report.units {
                table.add([row.unit] + report.environments.map { cellText(row.cells[$0]) })
            }
            lines.append(table.render { column, row, text in
                if row < 0 { return console.style(text, .bold) }
                if column > 0, text.hasSuffix("* ") || text.hasSuffix("*") { return console.style(text, .yellow) }
                return text
            })
            let lagging = report.units.reduce(0) { count, row in count + row.cells.values.filter { $0.matchesSource == false }.count }
            lines.append("")
            lines.append(lagging == 0 ? "every environment matches its source" : "* differs from its source (\(lagging) cell\(lagging == 1 ? "" : "s"))")
        }
        if !report.pending.isEmpty {
            lines.append("")
            lines.append(console.style("Open promotion branches", .bold))
            for pending in report.pending {
                lines.append("  \(pending.branch)  \(pending.from) → \(pending.to)  \(pending.commit.short)")
            }
        }
        if !report.lastPromotions.isEmpty {
            lines.append("")
            lines.append(console.style("Last promotions", .bold))
            for promotion in report.lastPromotions {
                let from = promotion.from.map { " from \($0)" } ?? ""
                lines.append("  \(promotion.environment)\(from)  \(promotion.commit.short)  \(AuditTime.format(promotion.time))  \(promotion.summary)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func markdown(_ report: StatusReport) -> String {
        var lines = ["### Ladder status at `\(report.revision)` (\(report.commit.short))", ""]
        lines.append("| unit | " + report.environments.map(markdownCell).joined(separator: " | ") + " |")
        lines.append("|---|" + report.environments.map { _ in "---|" }.joined())
        for row in report.units {
            let cells = report.environments.map { name -> String in
                guard let cell = row.cells[name] else { return "—" }
                let value = "`\(markdownCell(cell.version ?? cell.content))`"
                return cell.matchesSource == false ? "\(value) ⚠️ behind \(cell.source ?? "source")" : value
            }
            lines.append("| \(markdownCell(row.unit)) | " + cells.joined(separator: " | ") + " |")
        }
        if !report.pending.isEmpty {
            lines.append("")
            lines.append("Open promotion branches: " + report.pending.map { "`\($0.branch)` (\($0.from) → \($0.to))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }
}
