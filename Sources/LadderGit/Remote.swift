import Clibgit2
import Foundation

/// One reference to publish on a remote, with lease semantics: the remote reference must still
/// be where the caller last saw it.
public struct PushUpdate: Sendable, Hashable {
    /// The local reference (full name such as `refs/ladder/audit`, a short branch name, or a
    /// commit id) whose commit is pushed.
    public var localRef: String
    /// The full name of the reference to update on the remote (`refs/heads/ladder/promote/dev-to-staging`).
    public var remoteRef: String
    /// Where the remote reference must be before the push; nil: it must not exist yet.
    public var expectedRemote: ObjectID?

    public init(localRef: String, remoteRef: String, expectedRemote: ObjectID?) {
        self.localRef = localRef
        self.remoteRef = remoteRef
        self.expectedRemote = expectedRemote
    }
}

/// What a push did to one remote reference.
public struct PushedReference: Sendable, Hashable {
    public let remoteRef: String
    /// The remote value before the push (nil: absent).
    public let old: ObjectID?
    public let new: ObjectID
    /// True when the remote already held `new` and nothing was sent.
    public let upToDate: Bool

    public init(remoteRef: String, old: ObjectID?, new: ObjectID, upToDate: Bool) {
        self.remoteRef = remoteRef
        self.old = old
        self.new = new
        self.upToDate = upToDate
    }
}

/// Where network operations take credentials from. Nothing here is ever printed: every error
/// raised by a network operation is scrubbed of these values and of credentials in URLs.
///
/// - ssh URLs (`ssh://`, `git@host:path`): the ssh agent (`SSH_AUTH_SOCK`).
/// - https URLs: `LADDER_GIT_TOKEN`, else `GITHUB_TOKEN` (user `x-access-token`) or
///   `GITLAB_TOKEN` (user `oauth2`); a token for a host whose name contains `gitlab` prefers
///   `GITLAB_TOKEN`. A user name written in the URL wins over these defaults.
public struct RemoteCredentials: Sendable {
    /// The account name GitHub, GitLab and most ssh git hosts use (the user of `git@host:path`),
    /// offered when a URL names no user. It is a login name, not a program Ladder runs.
    static let conventionalSSHUser = "git"

    public var environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// Credentials from the process environment.
    public static var process: RemoteCredentials { RemoteCredentials(environment: ProcessInfo.processInfo.environment) }

    /// The secret values that must never appear in output.
    public var secrets: [String] {
        ["LADDER_GIT_TOKEN", "GITHUB_TOKEN", "GITLAB_TOKEN"].compactMap { environment[$0] }.filter { $0.count >= 4 }
    }

    /// The user name and token to use for an https `url`, or nil when no token is configured.
    public func token(for url: String, userFromURL: String?) -> (user: String, token: String)? {
        let host = (URL(string: url)?.host ?? url).lowercased()
        let isGitLab = host.contains("gitlab")
        func value(_ key: String) -> String? {
            guard let text = environment[key]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
            return text
        }
        if let token = value("LADDER_GIT_TOKEN") {
            return (userFromURL ?? (isGitLab ? "oauth2" : "x-access-token"), token)
        }
        let order = isGitLab ? [("GITLAB_TOKEN", "oauth2"), ("GITHUB_TOKEN", "x-access-token")]
            : [("GITHUB_TOKEN", "x-access-token"), ("GITLAB_TOKEN", "oauth2")]
        for (key, user) in order {
            if let token = value(key) { return (userFromURL ?? user, token) }
        }
        return nil
    }

    /// `text` without credentials: URL user information and the literal token values.
    public func scrub(_ text: String) -> String {
        var output = Redaction.scrub(text)
        for secret in secrets.sorted(by: { $0.count > $1.count }) {
            output = output.replacingOccurrences(of: secret, with: "***")
        }
        return output
    }
}

/// State shared with libgit2's C callbacks through their payload pointer.
private final class RemoteCallbackContext {
    let credentials: RemoteCredentials
    var credentialAttempts = 0
    /// Remote ref → expected value (nil: absent), checked again when libgit2 negotiates the push.
    var leases: [String: ObjectID?] = [:]
    var leaseViolation: (ref: String, actual: ObjectID?)?
    var rejections: [(ref: String, reason: String)] = []
    var updatedTips: [Reference] = []

    init(credentials: RemoteCredentials) {
        self.credentials = credentials
    }

    func acquire(
        _ out: UnsafeMutablePointer<UnsafeMutablePointer<git_credential>?>, url: String, userFromURL: String?, allowed: UInt32
    ) -> Int32 {
        credentialAttempts += 1
        if credentialAttempts > 3 {
            git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "authentication failed for '\(credentials.scrub(url))'")
            return GIT_EAUTH.rawValue
        }
        let isSSH = url.hasPrefix("ssh://") || url.hasPrefix("git+ssh://") || url.hasPrefix("ssh+git://")
            || (!url.contains("://") && url.contains("@") && url.contains(":"))
        // Forges' ssh endpoints expect the conventional account name when the URL names none.
        let sshUser = userFromURL ?? RemoteCredentials.conventionalSSHUser
        if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0 {
            return git_credential_username_new(out, sshUser)
        }
        if isSSH, allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 {
            // A second request means the agent's keys were refused; asking again would loop.
            guard credentialAttempts == 1 else {
                git_error_set_str(Int32(GIT_ERROR_NET.rawValue), "the ssh agent has no key accepted by '\(credentials.scrub(url))'")
                return GIT_EAUTH.rawValue
            }
            return git_credential_ssh_key_from_agent(out, sshUser)
        }
        if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0 {
            guard credentialAttempts == 1, let (user, token) = credentials.token(for: url, userFromURL: userFromURL) else {
                let reason = credentialAttempts == 1
                    ? "no credentials for '\(credentials.scrub(url))': set LADDER_GIT_TOKEN (or GITHUB_TOKEN / GITLAB_TOKEN)"
                    : "the token was refused by '\(credentials.scrub(url))'"
                git_error_set_str(Int32(GIT_ERROR_NET.rawValue), reason)
                return GIT_EAUTH.rawValue
            }
            return git_credential_userpass_plaintext_new(out, user, token)
        }
        return GIT_PASSTHROUGH.rawValue
    }
}

/// Owns one `git_remote` and the connection it may hold.
private final class RemoteHandle {
    let pointer: OpaquePointer
    /// The remote's name or URL as the caller gave it, scrubbed, for messages.
    let display: String

    init(repository: Repository, remote: String, credentials: RemoteCredentials) throws(GitError) {
        ensureCertificates()
        display = credentials.scrub(remote)
        var remotePointer: OpaquePointer?
        var status = git_remote_lookup(&remotePointer, repository.pointer, remote)
        if status == GIT_ENOTFOUND.rawValue || status == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            guard Self.looksLikeURL(remote) else {
                throw GitError(
                    operation: "find remote '\(display)'", code: .notFound,
                    message: "no such remote; give a configured remote name or a URL")
            }
            status = git_remote_create_anonymous(&remotePointer, repository.pointer, remote)
        }
        try check(status, "open remote '\(display)'")
        pointer = remotePointer!
    }

    deinit {
        if git_remote_connected(pointer) == 1 { git_remote_disconnect(pointer) }
        git_remote_free(pointer)
    }

    var url: String {
        git_remote_url(pointer).map { String(cString: $0) } ?? ""
    }

    static func looksLikeURL(_ text: String) -> Bool {
        text.contains("://") || text.hasPrefix("/") || text.hasPrefix(".") || (text.contains("@") && text.contains(":"))
    }

    /// The references the connected remote advertises, peeled tag entries left out.
    func advertisedReferences() throws(GitError) -> [Reference] {
        var heads: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        try check(git_remote_ls(&heads, &count, pointer), "list references of '\(display)'")
        var result: [Reference] = []
        for index in 0..<count {
            guard let head = heads?[index] else { continue }
            let name = String(cString: head.pointee.name)
            if name.hasSuffix("^{}") { continue }
            result.append(Reference(name: name, target: ObjectID(head.pointee.oid)))
        }
        return result.sorted { $0.name < $1.name }
    }
}

private func installCallbacks(_ callbacks: inout git_remote_callbacks, payload: UnsafeMutableRawPointer) {
    callbacks.payload = payload
    callbacks.credentials = { out, url, userFromURL, allowed, payload in
        guard let out, let payload else { return GIT_PASSTHROUGH.rawValue }
        let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
        return context.acquire(
            out, url: url.map { String(cString: $0) } ?? "", userFromURL: userFromURL.map { String(cString: $0) },
            allowed: allowed)
    }
    callbacks.push_update_reference = { refname, status, payload in
        guard let payload, let status else { return 0 }
        let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
        context.rejections.append((refname.map { String(cString: $0) } ?? "?", String(cString: status)))
        return 0
    }
    callbacks.push_negotiation = { updates, count, payload in
        guard let payload, let updates else { return 0 }
        let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
        for index in 0..<count {
            guard let update = updates[index] else { continue }
            let ref = String(cString: update.pointee.dst_refname)
            guard let expected = context.leases[ref] else { continue }
            let current = ObjectID(update.pointee.src)
            let actual: ObjectID? = current.isZero ? nil : current
            if actual != expected {
                context.leaseViolation = (ref, actual)
                git_error_set_str(Int32(GIT_ERROR_REFERENCE.rawValue), "remote reference '\(ref)' moved during the push")
                return GIT_EMODIFIED.rawValue
            }
        }
        return 0
    }
    callbacks.update_tips = { refname, _, new, payload in
        guard let payload, let refname, let new else { return 0 }
        let context = Unmanaged<RemoteCallbackContext>.fromOpaque(payload).takeUnretainedValue()
        context.updatedTips.append(Reference(name: String(cString: refname), target: ObjectID(new)))
        return 0
    }
}

/// Calls `body` with a `git_strarray` holding copies of `strings`.
private func withStringArray<R>(_ strings: [String], _ body: (inout git_strarray) throws(GitError) -> R) throws(GitError) -> R {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return try pointers.withUnsafeMutableBufferPointer { (buffer) throws(GitError) -> R in
        var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
        return try body(&array)
    }
}

extension Repository {
    /// Runs a network operation, making sure no credential leaks through a thrown error.
    private func scrubbingErrors<R>(_ credentials: RemoteCredentials, _ body: () throws(GitError) -> R) throws(GitError) -> R {
        do {
            return try body()
        } catch {
            throw GitError(
                operation: credentials.scrub(error.operation), code: error.code, rawCode: error.rawCode,
                errorClass: error.errorClass, message: credentials.scrub(error.message))
        }
    }

    /// The references a remote (a configured remote name or a URL) advertises, sorted by name;
    /// peeled tag entries (`^{}`) are left out. Opens a fetch connection and downloads nothing.
    public func remoteReferences(remote: String, credentials: RemoteCredentials = .process) throws(GitError) -> [Reference] {
        try scrubbingErrors(credentials) { () throws(GitError) -> [Reference] in
            let handle = try RemoteHandle(repository: self, remote: remote, credentials: credentials)
            let context = RemoteCallbackContext(credentials: credentials)
            let payload = Unmanaged.passUnretained(context).toOpaque()
            var callbacks = git_remote_callbacks()
            try check(git_remote_init_callbacks(&callbacks, UInt32(GIT_REMOTE_CALLBACKS_VERSION)), "initialise callbacks")
            installCallbacks(&callbacks, payload: payload)
            defer { withExtendedLifetime(context) {} }
            try check(git_remote_connect(handle.pointer, GIT_DIRECTION_FETCH, &callbacks, nil, nil), "connect to '\(handle.display)'")
            return try handle.advertisedReferences()
        }
    }

    /// Fetches `refspecs` (`+refs/ladder/audit:refs/ladder/fetched/audit`) from a remote (a
    /// configured name or a URL), without tags and without writing `FETCH_HEAD`. Returns the
    /// local references the fetch created or moved.
    @discardableResult
    public func fetch(remote: String, refspecs: [String], credentials: RemoteCredentials = .process) throws(GitError) -> [Reference] {
        try scrubbingErrors(credentials) { () throws(GitError) -> [Reference] in
            let handle = try RemoteHandle(repository: self, remote: remote, credentials: credentials)
            let context = RemoteCallbackContext(credentials: credentials)
            let payload = Unmanaged.passUnretained(context).toOpaque()
            var options = git_fetch_options()
            try check(git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION)), "initialise fetch options")
            installCallbacks(&options.callbacks, payload: payload)
            options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
            options.update_fetchhead = 0
            options.prune = GIT_FETCH_NO_PRUNE
            defer { withExtendedLifetime(context) {} }
            try withStringArray(refspecs) { (array) throws(GitError) -> Void in
                _ = try check(git_remote_fetch(handle.pointer, &array, &options, "ladder: fetch"),
                          "fetch \(refspecs.joined(separator: " ")) from '\(handle.display)'")
            }
            return context.updatedTips
        }
    }

    /// Pushes `updates` to a remote (a configured name or a URL) with lease semantics.
    ///
    /// Ladder connects, lists the remote references and requires each `remoteRef` to be at its
    /// `expectedRemote` (absent when nil); otherwise nothing is pushed and a `GitError` with code
    /// `.modified` names the reference and where it is. The push then runs on the same
    /// connection, whose advertised values the server checks again when it applies the update,
    /// so a concurrent change in between is refused too. A reference is force-updated only when
    /// the new commit does not descend from the expected one (the lease makes that safe);
    /// otherwise it is a plain fast-forward. Each rejection reported by the server is an error
    /// (code `.nonFastForward` or `.generic`) naming the reference and the server's reason.
    @discardableResult
    public func push(remote: String, updates: [PushUpdate], credentials: RemoteCredentials = .process) throws(GitError) -> [PushedReference] {
        try scrubbingErrors(credentials) { () throws(GitError) -> [PushedReference] in
            let handle = try RemoteHandle(repository: self, remote: remote, credentials: credentials)
            let context = RemoteCallbackContext(credentials: credentials)
            let payload = Unmanaged.passUnretained(context).toOpaque()
            defer { withExtendedLifetime(context) {} }
            do {
                var options = git_push_options()
                try check(git_push_options_init(&options, UInt32(GIT_PUSH_OPTIONS_VERSION)), "initialise push options")
                installCallbacks(&options.callbacks, payload: payload)
                try check(git_remote_connect(handle.pointer, GIT_DIRECTION_PUSH, &options.callbacks, nil, nil),
                          "connect to '\(handle.display)' for pushing")
                let advertised = Dictionary(try handle.advertisedReferences().map { ($0.name, $0.target) }, uniquingKeysWith: { a, _ in a })

                var refspecs: [String] = []
                var results: [PushedReference] = []
                for update in updates {
                    let operation = "push '\(update.remoteRef)' to '\(handle.display)'"
                    let actual = advertised[update.remoteRef]
                    guard actual == update.expectedRemote else {
                        throw GitError(
                            operation: operation, code: .modified,
                            message: Self.leaseMessage(ref: update.remoteRef, expected: update.expectedRemote, actual: actual))
                    }
                    let local = try localCommit(update.localRef)
                    if actual == local {
                        results.append(PushedReference(remoteRef: update.remoteRef, old: actual, new: local, upToDate: true))
                        continue
                    }
                    var force = false
                    if let expected = update.expectedRemote {
                        force = !(contains(expected) && (try? isAncestor(expected, of: local)) == true)
                    }
                    context.leases[update.remoteRef] = .some(update.expectedRemote)
                    refspecs.append("\(force ? "+" : "")\(local.hex):\(update.remoteRef)")
                    results.append(PushedReference(remoteRef: update.remoteRef, old: actual, new: local, upToDate: false))
                }
                guard !refspecs.isEmpty else { return results }

                // libgit2 pushes references, not ids: pin each commit under a temporary ref so
                // that what is pushed is exactly what was checked above.
                var pins: [(String, ObjectID)] = []
                defer {
                    for (name, id) in pins { try? deleteReference(name, expected: id) }
                }
                for (index, refspec) in refspecs.enumerated() {
                    let separator = refspec.firstIndex(of: ":")!
                    let id = ObjectID(hex: String(refspec[..<separator].drop { $0 == "+" }))!
                    let pin = "refs/ladder/push/\(UUID().uuidString.lowercased())"
                    try updateReference(pin, to: id, expected: nil, message: "ladder: push")
                    pins.append((pin, id))
                    refspecs[index] = (refspec.hasPrefix("+") ? "+" : "") + pin + refspec[separator...]
                }
                let status = try withStringArray(refspecs) { (array) -> Int32 in
                    git_remote_upload(handle.pointer, &array, &options)
                }
                if let violation = context.leaseViolation {
                    git_error_clear()
                    let expected = context.leases[violation.ref] ?? nil
                    throw GitError(
                        operation: "push '\(violation.ref)' to '\(handle.display)'", code: .modified,
                        message: Self.leaseMessage(ref: violation.ref, expected: expected, actual: violation.actual))
                }
                try check(status, "push \(updates.map(\.remoteRef).joined(separator: ", ")) to '\(handle.display)'")
                if let rejection = context.rejections.first {
                    let nonFastForward = rejection.reason.contains("fast-forward") || rejection.reason.contains("fetch first")
                        || rejection.reason.contains("stale")
                    throw GitError(
                        operation: "push '\(rejection.ref)' to '\(handle.display)'", code: nonFastForward ? .nonFastForward : .generic,
                        message: "rejected by the remote: \(rejection.reason)")
                }
                // Moves remote-tracking branches of a configured remote; harmless for URLs.
                _ = git_remote_update_tips(handle.pointer, &options.callbacks, 0, GIT_REMOTE_DOWNLOAD_TAGS_UNSPECIFIED, nil)
                git_error_clear()
                return results
            }
        }
    }

    private func localCommit(_ name: String) throws(GitError) -> ObjectID {
        if name.hasPrefix("refs/"), let reference = try exactReference(name) { return reference.target }
        if let id = ObjectID(hex: name), contains(id) { return id }
        return try resolveCommit(name)
    }

    private static func leaseMessage(ref: String, expected: ObjectID?, actual: ObjectID?) -> String {
        let found = actual.map { "is at \($0.short)" } ?? "does not exist"
        let wanted = expected.map { "expected \($0.short)" } ?? "expected it to be absent"
        return "the remote reference \(found), \(wanted): it changed since Ladder last saw it (fetch and retry)"
    }
}
