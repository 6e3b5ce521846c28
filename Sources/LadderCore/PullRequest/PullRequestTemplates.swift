import Mustache

/// A Mustache template read from the repository (`pull_request.title` / `pull_request.body`).
public struct PullRequestTemplateFile: Sendable, Hashable {
    /// Repository-relative path, for error messages.
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

/// The built-in pull-request templates and the values they can use.
///
/// Title values are plain text (the title template is rendered without HTML escaping; line breaks
/// are folded and the result is cut to 250 characters afterwards):
/// `kind`, `is_promotion`, `is_rollback`, `from`, `to`, `id`, `branch`, `base_branch`, `actor`,
/// `units_summary` (`payments, orders and 12 more`, shortened to fit), `units_count`,
/// `rollback_of`, `rollback_of_promotion`, `rollback_of_revision`, `break_glass`.
///
/// Body values ending in `_md` are markdown fragments in which every untrusted string is already
/// escaped; insert them with triple braces (`{{{summary_md}}}`). Other values are raw and are
/// HTML-escaped by `{{name}}`. Top level: `marker` (the hidden machine-readable comment; it is
/// added in front when a template leaves it out), `summary_md`, `kind`, `is_promotion`,
/// `is_rollback`, `from`, `to`, `id`, `branch`, `base_branch`, `source_commit`, `base_commit`,
/// `actor`, `forge`; `break_glass` {`reason`, `by`, `reason_md`, `by_md`}; `rollback_reason_md`;
/// `has_units`, `units` [{`name`, `old`, `new`, `name_md`, `old_md`, `new_md`}] (cells safe inside
/// a table row), `units_note_md`; `files_count`, `has_files`, `files` [{`path`, `old_path`,
/// `status`, `status_words`, `binary`, `path_md`, `line_md`, `keys` [{`path`, `old`, `new`,
/// `path_md`, `old_md`, `new_md`}], `keys_note_md`}], `files_note_md`; `has_excluded`, `excluded`
/// [{`path`, `rule`, `path_md`, `rule_md`}], `excluded_note_md`; `requirements` [{`text`,
/// `text_md`}]; `mermaid` (flowchart source), `mermaid_md` (in its code fence);
/// `rollback_command`, `rollback_command_md` (in a code block); `full_diff_command`.
/// Lists are cut from the end when the body would exceed the forge's limit; the `*_note_md`
/// values then say how much was left out.
public enum PullRequestTemplates {
    /// The built-in title template.
    public static let title =
        "{{#is_promotion}}promote({{to}}): {{units_summary}} from {{from}}{{/is_promotion}}"
        + "{{#is_rollback}}rollback({{to}}): "
        + "{{#rollback_of_promotion}}undo {{rollback_of}}{{/rollback_of_promotion}}"
        + "{{#rollback_of_revision}}restore {{rollback_of}}{{/rollback_of_revision}}{{/is_rollback}}\n"

    /// The built-in body template (markdown).
    public static let body = """
        {{{marker}}}
        {{#break_glass}}

        > [!WARNING]
        > **Break-glass {{kind}}:** the policy was bypassed by {{{by_md}}}.
        >
        > **Reason:** {{{reason_md}}}
        {{/break_glass}}

        {{{summary_md}}}
        {{#rollback_reason_md}}

        **Reason:** {{{rollback_reason_md}}}
        {{/rollback_reason_md}}
        {{#has_units}}

        ### Units

        | Unit | Before | After |
        | --- | --- | --- |
        {{#units}}
        | {{{name_md}}} | {{{old_md}}} | {{{new_md}}} |
        {{/units}}
        {{#units_note_md}}

        {{{units_note_md}}}
        {{/units_note_md}}
        {{/has_units}}

        ### Changed files ({{files_count}})

        {{#files}}
        - {{{line_md}}}
        {{#keys}}
          - {{{path_md}}}: {{{old_md}}} → {{{new_md}}}
        {{/keys}}
        {{#keys_note_md}}
          - {{{keys_note_md}}}
        {{/keys_note_md}}
        {{/files}}
        {{^has_files}}
        No file changes.
        {{/has_files}}
        {{#files_note_md}}

        {{{files_note_md}}}
        {{/files_note_md}}
        {{#has_excluded}}

        ### Environment-specific files (left as they are)

        {{#excluded}}
        - {{{path_md}}} (excluded by {{{rule_md}}})
        {{/excluded}}
        {{#excluded_note_md}}

        {{{excluded_note_md}}}
        {{/excluded_note_md}}
        {{/has_excluded}}

        ### Required at merge

        {{#requirements}}
        - {{{text_md}}}
        {{/requirements}}
        {{^requirements}}
        The policy requires no approvals or checks for this {{kind}}.
        {{/requirements}}

        ### Environments

        {{{mermaid_md}}}
        {{#rollback_command}}

        ### Undo

        To undo this {{kind}}:

        {{{rollback_command_md}}}
        {{/rollback_command}}

        """

    /// Title templates are plain text: this pragma, put in front of the user's text on its first
    /// line (so line numbers stay right), turns Mustache's HTML escaping off.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    static func parse(_ text: String, path: String, plainText: Bool) throws(PullRequestError) -> MustacheTemplate {
        let prefix = plainText ? textPragma : ""
        do {
            return try MustacheTemplate(string: prefix + text)
        } catch let error as MustacheTemplate.ParserError {
            let line = error.context.lineNumber
            var column = error.context.columnNumber
            if line == 1 { column = max(1, column - prefix.count) }
            throw PullRequestError.invalidTemplate(path: path, line: line, column: column, reason: describe(error.error))
        } catch {
            throw PullRequestError.invalidTemplate(path: path, line: 1, column: 1, reason: describe(error))
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case MustacheTemplate.Error.sectionCloseNameIncorrect: return "a section is closed with a name that does not match its opening tag"
        case MustacheTemplate.Error.unfinishedName: return "a tag is not finished"
        case MustacheTemplate.Error.expectedSectionEnd: return "a section is never closed"
        case MustacheTemplate.Error.invalidSetDelimiter: return "malformed set-delimiter tag"
        case MustacheTemplate.Error.transformAppliedToInheritanceSection: return "a transform is applied to an inheritance section"
        case MustacheTemplate.Error.illegalTokenInsideInheritSection: return "illegal tag inside an inheritance section"
        case MustacheTemplate.Error.textInsideInheritSection: return "text inside an inheritance section"
        case MustacheTemplate.Error.invalidConfigVariableSyntax: return "malformed pragma"
        case MustacheTemplate.Error.unrecognisedConfigVariable: return "unknown pragma"
        default:
            let text = String(describing: error)
            return text == "overflow" ? "unexpected end of the template (a tag is not closed)" : text
        }
    }
}

/// Failures of pull-request rendering.
public enum PullRequestError: LadderFailure, Equatable {
    /// A user template that Mustache cannot parse.
    case invalidTemplate(path: String, line: Int, column: Int, reason: String)

    public var exitStatus: ExitStatus { .badInput }

    public var errorDescription: String? {
        switch self {
        case .invalidTemplate(let path, let line, let column, let reason):
            return "\(path):\(line):\(column): invalid Mustache template: \(reason)"
        }
    }

    public var hint: String? {
        switch self {
        case .invalidTemplate: return "fix the template or remove it from pull_request in ladder.yaml to use the built-in one"
        }
    }
}
