import ArgumentParser
import Foundation
import LadderCore

extension LadderCommand {
    struct AuditKeygenCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "keygen",
            abstract: "Create an Ed25519 key pair for audit checkpoints.",
            discussion: """
                Writes the private key to FILE (mode 0600, never overwritten) and the verifier key
                to FILE.pub, and prints the verifier key. Give the verifier key to whoever runs
                'ladder audit verify --trusted-key'; keep the private key as a CI secret.
                """
        )

        @OptionGroup var global: GlobalOptions

        @Option(help: ArgumentHelp("Key name, e.g. example.com/ladder-audit (no spaces or '+').", valueName: "NAME"))
        var name = "ladder-audit"

        @Option(name: .customShort("o"), help: ArgumentHelp("Private key file (default: ladder-audit.key).", valueName: "FILE"))
        var output: String?

        func run() throws {
            let console = Console(options: global)
            let signer = try NoteSigner.generate(name: name)
            let path = global.resolvedPath(output ?? "ladder-audit.key")
            for target in [path, path + ".pub"] where FileManager.default.fileExists(atPath: target) {
                throw AuditLogError.fileUnwritable(path: target, reason: "file exists; not overwriting a key")
            }
            try LadderCore.AuditExporter.writeAtomically(path, mode: 0o600) { descriptor in
                try write(signer.text + "\n", to: descriptor, path: path)
            }
            try LadderCore.AuditExporter.writeAtomically(path + ".pub") { descriptor in
                try write(signer.verifier.text + "\n", to: descriptor, path: path + ".pub")
            }
            console.out(signer.verifier.text)
            if !global.quiet {
                FileHandle.standardError.write(Data("ladder: private key written to \(output ?? "ladder-audit.key") (mode 0600), verifier key to \(output ?? "ladder-audit.key").pub\n".utf8))
            }
        }

        private func write(_ text: String, to descriptor: Int32, path: String) throws {
            let bytes = Array(text.utf8)
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else {
                throw AuditLogError.fileUnwritable(path: path, reason: String(cString: strerror(errno)))
            }
        }
    }
}
