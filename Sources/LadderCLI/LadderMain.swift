import ArgumentParser
import Foundation
import LadderCore
import LadderGit

/// Entry point used by the `ladder` executable.
public enum LadderMain {
    public static func run() -> Never {
        let raw = Array(CommandLine.arguments.dropFirst())
        let arguments = ArgumentNormaliser.normalise(raw, commands: LadderCommand.commandTree)
        if let first = arguments.first, !first.hasPrefix("-"), LadderCommand.commandTree[first] == nil {
            let known = LadderCommand.commandTree.keys.sorted()
            Console.printError(
                "unknown command '\(first)'",
                hint: Suggestion.closest(to: first, in: known).map { "did you mean 'ladder \($0)'?" } ?? "commands: \(known.joined(separator: ", "))")
            exit(ExitStatus.badInput.rawValue)
        }
        do {
            var command = try LadderCommand.parseAsRoot(arguments)
            try command.run()
            exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let failure as LadderFailure {
            Console.printError(failure.localizedDescription, hint: failure.hint)
            exit(failure.exitStatus.rawValue)
        } catch {
            let code = LadderCommand.exitCode(for: error)
            if code == .success {
                print(LadderCommand.fullMessage(for: error))
                exit(0)
            }
            let message = LadderCommand.message(for: error)
                .replacingOccurrences(of: "Error: ", with: "")
                .split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let subcommand = arguments.first.flatMap { LadderCommand.commandTree[$0] != nil ? $0 : nil }
            Console.printError(lowercasedFirst(message), hint: "see 'ladder \(subcommand.map { "\($0) " } ?? "")--help'")
            exit(ExitStatus.badInput.rawValue)
        }
    }

    static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, !(text.dropFirst().first?.isUppercase ?? false) else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
