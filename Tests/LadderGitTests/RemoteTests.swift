import Foundation
import LadderGit
import LadderTestSupport
import Testing

struct DaemonError: Error, CustomStringConvertible {
    let reason: String
    var description: String { reason }
}

/// A `git daemon` serving every repository below `base` (push enabled) on a free local port.
final class GitDaemon {
    let process: Process
    let port: Int

    init(base: String) throws {
        var lastError: Error?
        for _ in 0..<5 {
            let port = try Self.freePort()
            let process = Process()
            // Run git-daemon itself, not through the `git` wrapper, so that terminating the
            // process stops the server.
            process.executableURL = URL(fileURLWithPath: try Run.gitOutput(["--exec-path"], in: base) + "/git-daemon")
            process.arguments = [
                "--export-all", "--enable=receive-pack", "--reuseaddr", "--base-path=\(base)",
                "--port=\(port)", "--listen=127.0.0.1", base,
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            if Self.waitUntilListening(port: port, process: process) {
                self.process = process
                self.port = port
                return
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            lastError = DaemonError(reason: "git daemon did not start on port \(port)")
        }
        throw lastError!
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func url(_ name: String) -> String { "git://127.0.0.1:\(port)/\(name)" }

    /// A port nobody listens on right now: bind to port 0 and read what the kernel chose.
    static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0 }
        }
        guard bound else { throw DaemonError(reason: "cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func waitUntilListening(port: Int, process: Process) -> Bool {
        for _ in 0..<100 {
            guard process.isRunning else { return false }
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(descriptor)
            if connected { return true }
            usleep(50_000)
        }
        return false
    }
}

/// A local repository with two commits on main, and an empty bare repository as its remote.
struct RemoteFixture {
    let local: FixtureRepository
    let bareDirectory: ScratchDirectory
    let first: ObjectID
    let second: ObjectID

    var barePath: String { bareDirectory.join("remote.git") }
    var fileURL: String { "file://" + barePath }

    init() throws {
        local = try FixtureRepository()
        first = ObjectID(hex: try local.commit(["a.txt": "1\n"], "one"))!
        second = ObjectID(hex: try local.commit(["a.txt": "2\n"], "two"))!
        bareDirectory = ScratchDirectory("remotes")
        try Run.git(["init", "-q", "--bare", "-b", "main", barePath], in: bareDirectory.path)
    }

    func remoteRef(_ name: String) throws -> String? {
        let result = try Run.git(["rev-parse", "--verify", "-q", name], in: barePath, check: false)
        return result.status == 0 ? result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }
}

@Suite struct RemoteTests {
    let noTokens = RemoteCredentials(environment: [:])

    @Test func pushWithLeaseOverFile() throws {
        let fixture = try RemoteFixture()
        let repository = try Repository.open(at: fixture.local.path)

        // Absent as expected: created.
        var pushed = try repository.push(
            remote: fixture.fileURL, updates: [PushUpdate(localRef: "HEAD~1", remoteRef: "refs/heads/release", expectedRemote: nil)],
            credentials: noTokens)
        #expect(pushed.map(\.upToDate) == [false])
        #expect(try fixture.remoteRef("refs/heads/release") == fixture.first.hex)

        // Expected absent, but it exists: refused, remote untouched.
        do {
            try repository.push(
                remote: fixture.fileURL, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/release", expectedRemote: nil)],
                credentials: noTokens)
            Issue.record("a push against a stale lease succeeded")
        } catch {
            #expect(error.code == .modified)
            #expect(error.localizedDescription.contains("refs/heads/release"))
            #expect(error.localizedDescription.contains(fixture.first.short))
        }
        #expect(try fixture.remoteRef("refs/heads/release") == fixture.first.hex)

        // Expected at another commit: refused.
        #expect(throws: GitError.self) {
            try repository.push(
                remote: fixture.fileURL, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/release", expectedRemote: fixture.second)],
                credentials: self.noTokens)
        }

        // Right lease: fast-forward.
        pushed = try repository.push(
            remote: fixture.fileURL, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/release", expectedRemote: fixture.first)],
            credentials: noTokens)
        #expect(pushed.first?.old == fixture.first)
        #expect(try fixture.remoteRef("refs/heads/release") == fixture.second.hex)

        // Same value again: up to date, nothing sent.
        pushed = try repository.push(
            remote: fixture.fileURL, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/release", expectedRemote: fixture.second)],
            credentials: noTokens)
        #expect(pushed.map(\.upToDate) == [true])

        // A rewritten branch replaces the remote one only under a matching lease.
        let rewritten = ObjectID(hex: try fixture.local.git("commit-tree", "-p", fixture.first.hex, "-m", "rewritten", "HEAD^{tree}"))!
        try repository.push(
            remote: fixture.fileURL, updates: [PushUpdate(localRef: rewritten.hex, remoteRef: "refs/heads/release", expectedRemote: fixture.second)],
            credentials: noTokens)
        #expect(try fixture.remoteRef("refs/heads/release") == rewritten.hex)
    }

    @Test func listsAndFetchesRemoteReferences() throws {
        let fixture = try RemoteFixture()
        try Run.git(["push", "-q", fixture.barePath, "main:refs/heads/main", "HEAD~1:refs/ladder/audit"], in: fixture.local.path)
        let other = try FixtureRepository()
        try other.commit(["b.txt": "x\n"], "unrelated")
        let repository = try Repository.open(at: other.path)

        let references = try repository.remoteReferences(remote: fixture.fileURL, credentials: noTokens)
        #expect(references.first { $0.name == "refs/heads/main" }?.target == fixture.second)
        #expect(references.first { $0.name == "refs/ladder/audit" }?.target == fixture.first)

        try repository.setConfigValue("remote.origin.url", fixture.fileURL)
        let updated = try repository.fetch(remote: "origin", refspecs: ["+refs/ladder/audit:refs/ladder/fetched/audit"], credentials: noTokens)
        #expect(updated.map(\.name) == ["refs/ladder/fetched/audit"])
        #expect(try repository.exactReference("refs/ladder/fetched/audit")?.target == fixture.first)
        #expect(try repository.commit(fixture.first).summary == "one")
        // Fetching does not bring tags or other refs along.
        #expect(try repository.exactReference("refs/heads/main")?.target != fixture.second)
    }

    @Test func unknownRemoteNameIsAClearError() throws {
        let fixture = try RemoteFixture()
        let repository = try Repository.open(at: fixture.local.path)
        do {
            _ = try repository.remoteReferences(remote: "upstream", credentials: noTokens)
            Issue.record("expected failure")
        } catch {
            #expect(error.code == .notFound)
            #expect(error.localizedDescription.contains("upstream"))
        }
    }

    @Test func pushOverGitDaemonWithLeaseAndServerRejection() throws {
        let fixture = try RemoteFixture()
        // The server refuses refs/heads/forbidden/* in its update hook.
        let hook = fixture.barePath + "/hooks/update"
        try "#!/bin/sh\ncase \"$1\" in refs/heads/forbidden/*) echo 'no forbidden refs' >&2; exit 1;; esac\nexit 0\n"
            .write(toFile: hook, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hook)
        let daemon = try GitDaemon(base: fixture.bareDirectory.path)
        let url = daemon.url("remote.git")
        let repository = try Repository.open(at: fixture.local.path)

        try repository.push(
            remote: url, updates: [PushUpdate(localRef: "HEAD~1", remoteRef: "refs/heads/main", expectedRemote: nil)], credentials: noTokens)
        #expect(try fixture.remoteRef("refs/heads/main") == fixture.first.hex)
        #expect(try repository.remoteReferences(remote: url, credentials: noTokens).first { $0.name == "refs/heads/main" }?.target == fixture.first)

        // Someone else moves the branch: our lease on `first` must fail, leaving their commit.
        let other = ObjectID(hex: try fixture.local.git("commit-tree", "-p", fixture.first.hex, "-m", "theirs", "HEAD^{tree}"))!
        try Run.git(["push", "-q", fixture.barePath, "\(other.hex):refs/heads/main"], in: fixture.local.path)
        do {
            try repository.push(
                remote: url, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/main", expectedRemote: fixture.first)],
                credentials: noTokens)
            Issue.record("lease was not enforced")
        } catch {
            #expect(error.code == .modified)
        }
        #expect(try fixture.remoteRef("refs/heads/main") == other.hex)

        // With the right lease the non-fast-forward update goes through.
        try repository.push(
            remote: url, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/main", expectedRemote: other)], credentials: noTokens)
        #expect(try fixture.remoteRef("refs/heads/main") == fixture.second.hex)

        // A per-ref rejection by the server is an error naming the ref and the reason.
        do {
            try repository.push(
                remote: url, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/forbidden/x", expectedRemote: nil)],
                credentials: noTokens)
            Issue.record("server rejection was not reported")
        } catch {
            #expect(error.localizedDescription.contains("refs/heads/forbidden/x"))
            #expect(error.localizedDescription.contains("rejected"))
        }
        #expect(try fixture.remoteRef("refs/heads/forbidden/x") == nil)
    }

    @Test func credentialsNeverAppearInErrors() throws {
        let fixture = try RemoteFixture()
        let repository = try Repository.open(at: fixture.local.path)
        let credentials = RemoteCredentials(environment: ["LADDER_GIT_TOKEN": "tok-ENV-SECRET-123", "GITHUB_TOKEN": "ghp_OTHERSECRET"])
        for url in ["https://x-access-token:SECRET@127.0.0.1:1/repo.git", "https://tok-ENV-SECRET-123@127.0.0.1:1/repo.git"] {
            do {
                try repository.push(
                    remote: url, updates: [PushUpdate(localRef: "main", remoteRef: "refs/heads/main", expectedRemote: nil)],
                    credentials: credentials)
                Issue.record("push to a closed port succeeded")
            } catch {
                let text = "\(error.localizedDescription) \(error.operation) \(error.message) \(error)"
                #expect(!text.contains("SECRET"), "\(text)")
                #expect(text.contains("127.0.0.1"))
            }
        }
    }

    @Test func tokensAreChosenByVariableAndHost() {
        let both = RemoteCredentials(environment: ["GITHUB_TOKEN": "gh", "GITLAB_TOKEN": "gl"])
        #expect(both.token(for: "https://github.com/o/r.git", userFromURL: nil)! == ("x-access-token", "gh"))
        #expect(both.token(for: "https://gitlab.example.com/g/p.git", userFromURL: nil)! == ("oauth2", "gl"))
        let ladder = RemoteCredentials(environment: ["LADDER_GIT_TOKEN": "mine", "GITHUB_TOKEN": "gh"])
        #expect(ladder.token(for: "https://github.com/o/r.git", userFromURL: "bot")! == ("bot", "mine"))
        #expect(RemoteCredentials(environment: [:]).token(for: "https://github.com/o/r.git", userFromURL: nil) == nil)
        #expect(ladder.scrub("failed: https://bot:mine@github.com/o/r.git token mine") == "failed: https://***@github.com/o/r.git token ***")
    }
}
