import Mustache

/// A rendered pull request: title, markdown body and the forge's "create pull request" payload.
public struct RenderedPullRequest: Sendable, Hashable {
    public let forge: Forge
    public let kind: PullRequestContext.Kind
    public let title: String
    public let body: String
    /// The hidden marker comment, also present in `body`.
    public let marker: String
    public let branch: String
    public let baseBranch: String
    public let to: String
    /// Changed files left out of the body to fit the forge's limit.
    public let omittedFiles: Int

    /// The request body of GitHub's `POST /repos/{owner}/{repo}/pulls` or GitLab's
    /// `POST /projects/:id/merge_requests`.
    public var payload: JSONValue {
        switch forge {
        case .github:
            return [
                "title": .string(title), "head": .string(branch), "base": .string(baseBranch), "body": .string(body),
                "draft": false, "maintainer_can_modify": false,
            ]
        case .gitlab:
            return [
                "source_branch": .string(branch), "target_branch": .string(baseBranch), "title": .string(title),
                "description": .string(body), "remove_source_branch": true, "squash": false,
                "labels": .string("\(kind.rawValue),env:\(to)"),
            ]
        }
    }
}

/// Renders pull-request titles and bodies from Mustache templates, built-in or the user's.
public struct PullRequestRenderer: Sendable {
    /// The longest title, in UTF-16 code units.
    public static let titleLimit = 250
    /// Key changes listed per file before the rest is summarised.
    public static let keysPerFile = 20

    private let titleTemplate: MustacheTemplate
    private let bodyTemplate: MustacheTemplate

    /// Parses the templates; nil means the built-in one. A template that does not parse is an
    /// error naming its file, line and column.
    public init(title: PullRequestTemplateFile? = nil, body: PullRequestTemplateFile? = nil) throws(PullRequestError) {
        titleTemplate = try PullRequestTemplates.parse(
            title?.text ?? PullRequestTemplates.title, path: title?.path ?? "<built-in title>", plainText: true)
        bodyTemplate = try PullRequestTemplates.parse(
            body?.text ?? PullRequestTemplates.body, path: body?.path ?? "<built-in body>", plainText: false)
    }

    /// Renders `context` for its forge. `bodyLimit` (UTF-16 code units) defaults to the forge's limit.
    public func render(_ context: PullRequestContext, bodyLimit: Int? = nil) -> RenderedPullRequest {
        let marker = PullRequestMarker(context).comment
        let (body, omitted) = renderBody(context, marker: marker, limit: bodyLimit ?? context.forge.bodyLimit)
        return RenderedPullRequest(
            forge: context.forge, kind: context.kind, title: renderTitle(context), body: body, marker: marker,
            branch: context.branch, baseBranch: context.baseBranch, to: context.to, omittedFiles: omitted)
    }

    // MARK: - Title

    /// The title on one line, at most `titleLimit` UTF-16 code units: the unit list is shortened
    /// first (`a, b and 12 more`), then the text is cut with `…`.
    func renderTitle(_ context: PullRequestContext) -> String {
        let names = context.units.map { Markdown.singleLine($0.name) }
        func title(showing shown: Int) -> String {
            var values = TitleValues(context).dictionary
            values["units_summary"] = Self.unitsSummary(names, showing: shown)
            return Markdown.singleLine(titleTemplate.render(values))
        }
        let full = title(showing: names.count)
        if full.utf16.count <= Self.titleLimit { return full }
        // Longest prefix of the unit list that fits (shorter lists give shorter titles); when not
        // even one name fits, the whole title is cut.
        var low = 1
        var high = names.count - 1
        var best: String?
        while low <= high {
            let middle = (low + high) / 2
            let candidate = title(showing: middle)
            if candidate.utf16.count <= Self.titleLimit {
                best = candidate
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return best ?? Markdown.cut(full, utf16Limit: Self.titleLimit)
    }

    /// `payments`, `payments and orders`, `a, b and c`; with fewer shown than there are,
    /// `a, b and 12 more` (or `14 units` when none is shown).
    static func unitsSummary(_ names: [String], showing shown: Int) -> String {
        if names.isEmpty { return "changes" }
        if shown >= names.count {
            if names.count == 1 { return names[0] }
            return names.dropLast().joined(separator: ", ") + " and " + names.last!
        }
        if shown == 0 { return names.count == 1 ? "1 unit" : "\(names.count) units" }
        return names.prefix(shown).joined(separator: ", ") + " and \(names.count - shown) more"
    }

    // MARK: - Body

    private func renderBody(_ context: PullRequestContext, marker: String, limit: Int) -> (String, Int) {
        let model = BodyModel(context, marker: marker)
        func attempt(files: Int, excluded: Int, units: Int) -> String {
            Self.finish(bodyTemplate.render(model.dictionary(files: files, excluded: excluded, units: units)), marker: marker)
        }
        func fits(_ body: String) -> Bool { body.utf16.count <= limit }

        let fileCount = model.files.count
        let excludedCount = model.excluded.count
        let unitCount = model.units.count
        let full = attempt(files: fileCount, excluded: excludedCount, units: unitCount)
        if fits(full) { return (full, 0) }
        // Whole file entries are dropped from the end. When the rest alone is too long, the units
        // table is first cut to half the limit and the excluded list to three quarters, so that the
        // changed files keep room.
        var units = unitCount
        var excluded = excludedCount
        if !fits(attempt(files: 0, excluded: excluded, units: units)) {
            let half = limit / 2
            let threeQuarters = limit / 4 * 3
            units = Self.mostShown(upTo: unitCount, fits: { $0.utf16.count <= half }) {
                attempt(files: 0, excluded: 0, units: $0)
            }?.shown ?? 0
            excluded = Self.mostShown(upTo: excludedCount, fits: { $0.utf16.count <= threeQuarters }) {
                attempt(files: 0, excluded: $0, units: units)
            }?.shown ?? 0
        }
        if let (body, shown) = Self.mostShown(upTo: fileCount, fits: fits, { attempt(files: $0, excluded: excluded, units: units) }) {
            return (body, fileCount - shown)
        }
        return (Self.finish(model.minimalBody(limit: limit), marker: marker), fileCount)
    }

    /// The rendering with the most entries shown, at most `maximum`, that fits (binary search: the
    /// length grows with the number shown).
    private static func mostShown(upTo maximum: Int, fits: (String) -> Bool, _ render: (Int) -> String) -> (body: String, shown: Int)? {
        var low = 0
        var high = maximum
        var best: (body: String, shown: Int)?
        while low <= high {
            let middle = (low + high) / 2
            let body = render(middle)
            if fits(body) {
                best = (body, middle)
                low = middle + 1
            } else {
                high = middle - 1
            }
        }
        return best
    }

    /// Line breaks normalised, trailing blank lines trimmed, the marker in front when the
    /// template left it out.
    static func finish(_ rendered: String, marker: String) -> String {
        var body = Markdown.normalizingLineBreaks(rendered)
        while let last = body.last, last == "\n" || last == " " { body.removeLast() }
        if !body.contains(marker) { body = marker + "\n\n" + body }
        return body + "\n"
    }
}

/// Plain values for the title template.
private struct TitleValues {
    var dictionary: [String: Any]

    init(_ context: PullRequestContext) {
        var values: [String: Any] = [
            "kind": context.kind.rawValue, "is_promotion": context.kind == .promotion, "is_rollback": context.kind == .rollback,
            "to": context.to, "id": context.id, "branch": context.branch, "base_branch": context.baseBranch,
            "actor": context.actor, "units_count": context.units.count, "break_glass": context.breakGlass != nil,
        ]
        if let from = context.from { values["from"] = from }
        if let rollback = context.rollback {
            values["rollback_of"] = rollback.of
            values["rollback_of_promotion"] = rollback.target == .promotion
            values["rollback_of_revision"] = rollback.target == .revision
        }
        dictionary = values
    }
}

/// Values for the body template, with every untrusted string escaped once, up front.
private struct BodyModel {
    let context: PullRequestContext
    let base: [String: Any]
    let files: [[String: Any]]
    let excluded: [[String: Any]]
    let units: [[String: Any]]
    let summary: String

    init(_ context: PullRequestContext, marker: String) {
        self.context = context
        summary = Self.summary(context)
        var base: [String: Any] = [
            "marker": marker, "summary_md": summary, "kind": context.kind.rawValue,
            "is_promotion": context.kind == .promotion, "is_rollback": context.kind == .rollback,
            "to": context.to, "id": context.id, "branch": context.branch, "base_branch": context.baseBranch,
            "base_commit": context.baseCommit, "actor": context.actor, "forge": context.forge.rawValue,
            "files_count": context.changedFiles.count, "has_files": !context.changedFiles.isEmpty,
            "has_units": !context.units.isEmpty, "has_excluded": !context.excludedFiles.isEmpty,
            "requirements": context.requirements.map { ["text": $0, "text_md": Markdown.text($0)] as [String: Any] },
            "full_diff_command": context.effectiveFullDiffCommand,
        ]
        if let from = context.from { base["from"] = from }
        if let sourceCommit = context.sourceCommit { base["source_commit"] = sourceCommit }
        if let breakGlass = context.breakGlass {
            base["break_glass"] = [
                "reason": breakGlass.reason, "by": breakGlass.by,
                "reason_md": Markdown.text(breakGlass.reason), "by_md": Markdown.text(breakGlass.by, limit: Markdown.valueLimit),
            ] as [String: Any]
        }
        if let reason = context.rollback?.reason { base["rollback_reason_md"] = Markdown.text(reason) }
        let edge = context.from.map { PullRequestContext.Edge(from: $0, to: context.to) }
        let highlighted = context.kind == .promotion ? [context.from, context.to].compactMap { $0 } : [context.to]
        let mermaid = MermaidFlowchart(
            ladder: context.ladder, edge: context.kind == .promotion ? edge : nil, highlighted: highlighted
        ).source
        base["mermaid"] = mermaid
        base["mermaid_md"] = "```mermaid\n\(mermaid)\n```"
        if let command = context.rollbackCommand {
            base["rollback_command"] = command
            base["rollback_command_md"] = Markdown.codeBlock(command, info: "sh")
        }
        self.base = base

        units = context.units.map { unit in
            var entry: [String: Any] = [
                "name": unit.name, "name_md": Markdown.code(unit.name, inTable: true),
                "old_md": unit.oldVersion.map { Markdown.code($0, inTable: true) } ?? "—",
                "new_md": unit.newVersion.map { Markdown.code($0, inTable: true) } ?? "—",
            ]
            if let old = unit.oldVersion { entry["old"] = old }
            if let new = unit.newVersion { entry["new"] = new }
            return entry
        }
        excluded = context.excludedFiles.map { file in
            [
                "path": file.path, "rule": file.rule,
                "path_md": Markdown.code(file.path, limit: Markdown.pathLimit), "rule_md": Markdown.code(file.rule),
            ]
        }
        files = context.changedFiles.map(Self.fileEntry)
    }

    static func fileEntry(_ file: PullRequestContext.ChangedFile) -> [String: Any] {
        let pathMD = Markdown.code(file.path, limit: Markdown.pathLimit)
        var line = "\(pathMD) — \(file.status.words)"
        if let oldPath = file.oldPath, file.status == .renamed {
            line += " from \(Markdown.code(oldPath, limit: Markdown.pathLimit))"
        }
        if file.binary { line += " (binary)" }
        var entry: [String: Any] = [
            "path": file.path, "status": file.status.rawValue, "status_words": file.status.words, "binary": file.binary,
            "path_md": pathMD, "line_md": line,
            "keys": file.keys.prefix(PullRequestRenderer.keysPerFile).map { key in
                var values: [String: Any] = [
                    "path": key.path, "path_md": Markdown.code(key.path),
                    "old_md": key.old.map { Markdown.code($0) } ?? "*(none)*",
                    "new_md": key.new.map { Markdown.code($0) } ?? "*(none)*",
                ]
                if let old = key.old { values["old"] = old }
                if let new = key.new { values["new"] = new }
                return values
            },
        ]
        if let oldPath = file.oldPath { entry["old_path"] = oldPath }
        let more = file.keys.count - PullRequestRenderer.keysPerFile
        if more > 0 { entry["keys_note_md"] = "… and \(more) more \(more == 1 ? "key" : "keys")" }
        return entry
    }

    /// The values with only the first `files`, `excluded` and `units` entries, and notes for the rest.
    func dictionary(files shownFiles: Int, excluded shownExcluded: Int, units shownUnits: Int) -> [String: Any] {
        var values = base
        values["files"] = Array(files.prefix(shownFiles))
        values["excluded"] = Array(excluded.prefix(shownExcluded))
        values["units"] = Array(units.prefix(shownUnits))
        if shownFiles < files.count {
            let more = files.count - shownFiles
            values["files_note_md"] = "… \(more) more \(more == 1 ? "file" : "files") not shown; run \(diffCommand) for the full list."
        }
        if shownExcluded < excluded.count {
            let more = excluded.count - shownExcluded
            values["excluded_note_md"] = "… \(more) more environment-specific \(more == 1 ? "file" : "files") not shown."
        }
        if shownUnits < units.count {
            let more = units.count - shownUnits
            values["units_note_md"] = "… \(more) more \(more == 1 ? "unit" : "units") not shown."
        }
        return values
    }

    /// The last resort when even empty lists do not fit (a huge custom template): the summary and a note.
    func minimalBody(limit: Int) -> String {
        "\(summary)\n\nThe full description does not fit in a \(context.forge.displayName) description "
            + "(\(limit) characters); run \(diffCommand) for the full list.\n"
    }

    private var diffCommand: String { Markdown.code(context.effectiveFullDiffCommand, limit: Markdown.pathLimit) }

    /// The one-line summary at the top of the body.
    static func summary(_ context: PullRequestContext) -> String {
        let to = Markdown.code(context.to)
        let count = context.changedFiles.count
        var files = count == 0 ? "no file changes" : "\(count) changed \(count == 1 ? "file" : "files")"
        let excluded = context.excludedFiles.count
        if excluded > 0 {
            files += ", \(excluded) environment-specific " + (excluded == 1 ? "file left as it is" : "files left as they are")
        }
        var line: String
        switch context.kind {
        case .promotion:
            let names = context.units.map { Markdown.code($0.name) }
            let units: String
            switch names.count {
            case 0: units = "changes"
            case 1...3: units = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            default: units = "**\(names.count) units**"
            }
            line = "Promotes \(units) from \(Markdown.code(context.from ?? "?")) into \(to): \(files)."
            if let source = context.sourceCommit { line += " Source commit \(Markdown.code(shortCommit(source)))" }
            let actor = Markdown.text(context.actor, limit: Markdown.valueLimit)
            line += line.hasSuffix(".") ? " Prepared by \(actor)." : ", prepared by \(actor)."
        case .rollback:
            let of = Markdown.code(context.rollback?.of ?? "?")
            if context.rollback?.target == .revision {
                line = "Restores \(to) to its content at \(of): \(files)."
            } else {
                line = "Rolls back promotion \(of) in \(to): \(files)."
            }
            line += " Prepared by \(Markdown.text(context.actor, limit: Markdown.valueLimit))."
        }
        return line
    }

    /// The first 12 characters of a full hexadecimal commit id; anything else unchanged.
    static func shortCommit(_ commit: String) -> String {
        let isHex = commit.count >= 40 && commit.allSatisfy { $0.isHexDigit }
        return isHex ? String(commit.prefix(12)) : commit
    }
}
