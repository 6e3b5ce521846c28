import Foundation
import LadderGit

/// Who is acting: `--actor`, else the CI user, else git's `user.name`, else the login name.
enum ActorResolver {
    static func resolve(explicit: String?, repository: Repository, environment: [String: String] = ProcessInfo.processInfo.environment) -> (login: String, isCI: Bool) {
        if let explicit, !explicit.isEmpty { return (explicit, environment["CI"] == "true") }
        if let login = environment["GITHUB_ACTOR"], !login.isEmpty { return (login, true) }
        if let login = environment["GITLAB_USER_LOGIN"], !login.isEmpty { return (login, true) }
        if let name = repository.configValue("user.name"), !name.isEmpty { return (name, environment["CI"] == "true") }
        return (environment["USER"] ?? "unknown", environment["CI"] == "true")
    }
}
