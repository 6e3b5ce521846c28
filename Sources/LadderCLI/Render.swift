import ArgumentParser
import Foundation
import LadderCore
import LadderGit

extension LadderCommand {
    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "render",
            abstract: "Print the effective configuration of an environment (base + overlay).",
            discussion: """
                For a YAML or JSON file present both in the base (templates/<unit>/…) and in the environment, maps merge recursively, the environment wins on scalars and lists, and an explicit null deletes a key. Other files in the environment replace the base.

                Examples:
                  ladder render prod payments
                  ladder render staging --format json
                """
        )

        @OptionGroup var global: GlobalOptions

        @Argument(help: "The environment.")
        var environment: String

        @Argument(help: "Only this unit.")
        var unit: String?

        @Option(help: ArgumentHelp("Render at this revision instead of the trunk tip.", valueName: "REV"))
        var ref: String?

        func run() throws {
            let console = Console(options: global)
            let workspace = try global.openWorkspace(revision: ref)
            let environment = try workspace.environment(self.environment)
            let files = try workspace.render(environment, unit: unit)
            for file in files where file.problem != nil {
                console.warning("\(environment.name)/\(PathCoding.display(file.path)): \(file.problem!)")
            }
            switch console.format {
            case .json:
                let entries: [JSONValue] = files.map { file in
                    let text = String(validating: file.bytes, as: UTF8.self)
                    return [
                        "path": .string(file.path),
                        "origin": .string(file.origin.rawValue),
                        "mode": .string(String(file.mode.rawValue, radix: 8)),
                        "content": .optional(text),
                        "binary": .bool(text == nil || file.bytes.prefix(8000).contains(0)),
                        "size": .integer(Int64(file.bytes.count)),
                    ]
                }
                console.out(JSONValue.object([
                    "environment": .string(environment.name),
                    "unit": .optional(unit),
                    "commit": .string(workspace.commitID.hex),
                    "files": .array(entries),
                ]).pretty)
            case .text, .markdown:
                var first = true
                for file in files {
                    if !first { console.write("\n") }
                    first = false
                    let header = "# \(environment.name)/\(PathCoding.display(file.path)) (\(file.origin.rawValue))"
                    console.out(console.format == .markdown ? "#\(header)\n" : console.style(header, .dim))
                    if let text = String(validating: file.bytes, as: UTF8.self), !file.bytes.prefix(8000).contains(0) {
                        if console.format == .markdown { console.out("```") }
                        console.write(text.hasSuffix("\n") || text.isEmpty ? text : text + "\n")
                        if console.format == .markdown { console.out("```") }
                    } else {
                        console.out("(binary, \(file.bytes.count) bytes)")
                    }
                }
                if files.isEmpty { console.info("no files in \(environment.name)\(unit.map { "/\($0)" } ?? "")") }
            }
        }
    }
}
