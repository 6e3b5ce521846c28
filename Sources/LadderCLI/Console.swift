import Foundation
import LadderCore

/// Where command output goes: stdout for results, stderr for errors and progress, with colour and
/// CI annotations decided once from the global options and the environment.
final class Console {
    let format: OutputFormat
    let useColor: Bool
    let quiet: Bool
    let verbose: Bool
    let environment: [String: String]

    init(options: GlobalOptions, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.format = options.effectiveFormat
        self.quiet = options.quiet
        self.verbose = options.verbose
        self.environment = environment
        switch options.color {
        case .always: useColor = true
        case .never: useColor = false
        case .auto:
            useColor = isatty(STDOUT_FILENO) == 1 && environment["NO_COLOR"].map { $0.isEmpty } ?? true
                && environment["TERM"] != "dumb"
        }
    }

    var inGitHubActions: Bool { environment["GITHUB_ACTIONS"] == "true" }
    var inGitLabCI: Bool { environment["GITLAB_CI"] == "true" }

    func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Writes text as is (no newline added).
    func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    func info(_ text: String) {
        guard !quiet else { return }
        out(text)
    }

    func note(_ text: String) {
        guard verbose else { return }
        FileHandle.standardError.write(Data("ladder: \(text)\n".utf8))
    }

    func warning(_ text: String) {
        FileHandle.standardError.write(Data("ladder: warning: \(text)\n".utf8))
        if inGitHubActions { FileHandle.standardError.write(Data("::warning::\(Console.escapeAnnotation(text))\n".utf8)) }
    }

    /// Prints `body` inside a collapsible section when running in GitLab CI, as is otherwise.
    func section(_ name: String, _ header: String, _ body: String) {
        guard inGitLabCI, format == .text else {
            out(body)
            return
        }
        let stamp = Int(Date().timeIntervalSince1970)
        let id = "ladder_" + name.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        out("\u{1B}[0Ksection_start:\(stamp):\(id)[collapsed=false]\r\u{1B}[0K\(header)")
        out(body)
        out("\u{1B}[0Ksection_end:\(Int(Date().timeIntervalSince1970)):\(id)\r\u{1B}[0K")
    }

    /// Prints a GitHub Actions annotation (`::error::…`, `::warning::…`, `::notice::…`) when running
    /// there. Annotations go to stderr (the runner reads both streams) so stdout stays clean JSON.
    func annotation(_ level: String, _ text: String) {
        guard inGitHubActions else { return }
        FileHandle.standardError.write(Data("::\(level)::\(Console.escapeAnnotation(text))\n".utf8))
    }

    /// Whether `stepSummary` writes anything (inside GitHub Actions, with a summary file).
    var writesStepSummary: Bool {
        inGitHubActions && !(environment["GITHUB_STEP_SUMMARY"] ?? "").isEmpty
    }

    /// Appends markdown to `$GITHUB_STEP_SUMMARY` when running in GitHub Actions; the markdown is
    /// only rendered when there is a summary to write.
    func stepSummary(_ markdown: @autoclosure () -> String) {
        guard writesStepSummary, let path = environment["GITHUB_STEP_SUMMARY"] else { return }
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { return }
        handle.seekToEndOfFile()
        let text = markdown()
        handle.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
        try? handle.close()
    }

    // MARK: Styling

    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    func style(_ text: String, _ styles: Style...) -> String {
        guard useColor, !styles.isEmpty else { return text }
        return "\u{1B}[\(styles.map(\.rawValue).joined(separator: ";"))m\(text)\u{1B}[0m"
    }

    static func escapeAnnotation(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Prints an error in the standard form, with an optional hint, and CI annotations.
    static func printError(_ message: String, hint: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var text = "ladder: error: \(message)\n"
        if let hint { text += "hint: \(hint)\n" }
        FileHandle.standardError.write(Data(text.utf8))
        if environment["GITHUB_ACTIONS"] == "true" {
            FileHandle.standardError.write(Data("::error::\(escapeAnnotation(message))\n".utf8))
        }
    }
}

/// Formats a table of plain text columns, padding by display width.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []
    /// Lines printed as they are under a row (by row index), outside the columns.
    var details: [Int: [String]] = [:]

    init(_ header: [String]) {
        self.header = header
    }

    mutating func add(_ row: [String], details lines: [String] = []) {
        if !lines.isEmpty { details[rows.count] = lines }
        rows.append(row)
    }

    /// Renders the table; `decorate` may colour a cell after padding (column index, row index, padded text).
    func render(decorate: ((Int, Int, String) -> String)? = nil) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], cell.count)
            }
        }
        var lines: [String] = []
        for (rowIndex, row) in all.enumerated() {
            var cells: [String] = []
            for (index, cell) in row.enumerated() {
                let padded = index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
                cells.append(decorate?(index, rowIndex - 1, padded) ?? padded)
            }
            lines.append(cells.joined(separator: "  "))
            lines += details[rowIndex - 1] ?? []
        }
        return lines.joined(separator: "\n")
    }
}

/// Escapes text for a markdown table cell.
func markdownCell(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
}
