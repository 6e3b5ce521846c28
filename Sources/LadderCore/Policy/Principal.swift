import Foundation

/// Someone named in the policy: a forge login (`alice`) or a group of the policy (`group:release`).
public enum Principal: Hashable, Sendable, CustomStringConvertible {
    case user(String)
    case group(String)

    /// Why a principal's spelling was refused.
    public enum ParseError: Error, Equatable, Sendable {
        case empty
        case unknownKind(String)
        case invalidLogin(String)
        case invalidGroupName(String)

        var reason: String {
            switch self {
            case .empty: return "a principal must not be empty"
            case .unknownKind(let kind): return "unknown principal kind '\(kind):'; write a login or group:<name>"
            case .invalidLogin(let login): return "invalid login '\(login)'"
            case .invalidGroupName(let name): return "invalid group name '\(name)'"
            }
        }
    }

    /// Parses `alice` or `group:release`. Logins may start with `@` (as in CODEOWNERS), which is dropped.
    public init(parsing text: String) throws(ParseError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .empty }
        if let colon = trimmed.firstIndex(of: ":") {
            let kind = String(trimmed[..<colon])
            let name = String(trimmed[trimmed.index(after: colon)...])
            guard kind == "group" else { throw .unknownKind(kind) }
            guard Principal.isValidName(name, allowSlash: false) else { throw .invalidGroupName(name) }
            self = .group(name)
            return
        }
        let login = trimmed.hasPrefix("@") ? String(trimmed.dropFirst()) : trimmed
        guard Principal.isValidName(login, allowSlash: false) else { throw .invalidLogin(trimmed) }
        self = .user(login)
    }

    /// `alice` or `group:release`, as written in the policy.
    public var description: String {
        switch self {
        case .user(let login): return login
        case .group(let name): return "group:\(name)"
        }
    }

    /// Names of logins and groups: letters, digits, `-`, `_` and `.`, not starting with punctuation
    /// (GitHub and GitLab logins both fit).
    static func isValidName(_ name: String, allowSlash: Bool) -> Bool {
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            return false
        }
        return name.unicodeScalars.allSatisfy {
            ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "-_.".unicodeScalars.contains($0)
                || (allowSlash && $0 == "/")
        }
    }
}

/// The groups of the policy (`groups:`), which may name other groups.
public struct PolicyGroups: Sendable, Equatable {
    /// Group name → its members as written, in order.
    public let members: [String: [Principal]]

    public init(_ members: [String: [Principal]] = [:]) {
        self.members = members
    }

    /// The logins named by `principals`, groups expanded recursively, first occurrence first,
    /// duplicates (compared without case, as forges do) removed. Unknown groups expand to nobody;
    /// the loader has already refused them.
    public func logins(_ principals: [Principal]) -> [String] {
        var result: [String] = []
        var seen = Set<String>()
        var visiting = Set<String>()
        func add(_ principal: Principal) {
            switch principal {
            case .user(let login):
                if seen.insert(login.lowercased()).inserted { result.append(login) }
            case .group(let name):
                guard visiting.insert(name).inserted else { return }
                for member in members[name] ?? [] { add(member) }
                visiting.remove(name)
            }
        }
        principals.forEach(add)
        return result
    }

    /// Whether `login` is one of `principals` (case-insensitive).
    public func contains(_ login: String, in principals: [Principal]) -> Bool {
        let wanted = login.lowercased()
        return logins(principals).contains { $0.lowercased() == wanted }
    }

    /// A cycle of group references (`a → b → a`), if any.
    func cycle() -> [String]? {
        var state: [String: Int] = [:]
        var stack: [String] = []
        func visit(_ name: String) -> [String]? {
            if state[name] == 2 { return nil }
            if state[name] == 1, let start = stack.firstIndex(of: name) { return Array(stack[start...]) + [name] }
            state[name] = 1
            stack.append(name)
            for case .group(let next) in members[name] ?? [] where members[next] != nil {
                if let found = visit(next) { return found }
            }
            stack.removeLast()
            state[name] = 2
            return nil
        }
        for name in members.keys.sorted() {
            if let found = visit(name) { return found }
        }
        return nil
    }

    /// The principals in plain words: `alice, bob (group release), erin`.
    public func phrase(_ principals: [Principal]) -> String {
        principals.map { principal -> String in
            switch principal {
            case .user(let login): return login
            case .group(let name):
                let logins = self.logins([principal])
                return logins.isEmpty ? "nobody (group \(name) is empty)" : "\(logins.joined(separator: ", ")) (group \(name))"
            }
        }.joined(separator: ", ")
    }
}
