// Golden outputs of `ladder policy explain` for the bundled example. When an output changes on
// purpose, run the tests with LADDER_RECORD_GOLDEN=1 and copy the file they write (named in the
// failure) over the constant.

enum ExplainGolden {
    static let exampleText = #"""
        dev
          - dev accepts no promotions: changes start here
          - no approvals are required
          - no status checks are required
          - promotions are open at any time
          - at 2026-11-20T16:30:00Z: open: no windows apply

        staging
          - staging accepts promotions from dev only
          - anyone may promote
          - ladder auto promotes into staging on its schedule
          - dev must have held the content for 1h before it moves
          - 1 approval from anyone — never the author; approvals count only for the exact head commit
          - check build must pass on the head commit
          - direct changes (not promotions) are allowed
          - promotions are open at any time
          - no break-glass
          - at 2026-11-20T16:30:00Z: open: no windows apply

        prod
          - prod accepts promotions from staging only
          - only alice, bob (group release) may promote
          - ladder auto never promotes into prod
          - staging must have held the content for 24h before it moves
          - 2 approvals from carol, dave (group sre), alice, bob (group release) — never the author or committers; approvals count only for the exact head commit; approvals older than 7d do not count
          - the code owners of every changed path must approve
          - checks build and e2e must pass on the head commit
          - the branch must contain the trunk tip
          - at most 200 changed files per promotion
          - changes that are not faithful promotions are refused
          - closed Fridays 16:00 Europe/Berlin for 64h (weekend freeze) and 2026-12-20 to 2027-01-04 (year-end freeze)
          - carol, dave (group sre) may break glass, bypassing promoters, windows, soak and code owners; 1 approval is then enough
          - at 2026-11-20T16:30:00Z: closed by "weekend freeze" (deny, Fri 2026-11-20 16:00 Europe/Berlin for 64h) until 2026-11-23T07:00:00Z (in 2d14h)

        policy ladder-policy.yaml
          - enforcement: active — a failing rule denies
          - rollbacks: 1 approval from carol, dave (group sre), alice, bob (group release) — never the author; approvals count only for the exact head commit; windows do not apply
          - a branch that edits ladder.yaml or the policy needs 2 approvals from carol, dave (group sre) — never the author; approvals count only for the exact head commit

        """#

    static let exampleProdMarkdown = #"""
        ### Ladder policy (`ladder-policy.yaml`)

        #### prod

        - prod accepts promotions from staging only
        - only alice, bob (group release) may promote
        - ladder auto never promotes into prod
        - staging must have held the content for 24h before it moves
        - 2 approvals from carol, dave (group sre), alice, bob (group release) — never the author or committers; approvals count only for the exact head commit; approvals older than 7d do not count
        - the code owners of every changed path must approve
        - checks build and e2e must pass on the head commit
        - the branch must contain the trunk tip
        - at most 200 changed files per promotion
        - changes that are not faithful promotions are refused
        - closed Fridays 16:00 Europe/Berlin for 64h (weekend freeze) and 2026-12-20 to 2027-01-04 (year-end freeze)
        - carol, dave (group sre) may break glass, bypassing promoters, windows, soak and code owners; 1 approval is then enough

        #### Policy

        - enforcement: active — a failing rule denies
        - rollbacks: 1 approval from carol, dave (group sre), alice, bob (group release) — never the author; approvals count only for the exact head commit; windows do not apply
        - a branch that edits ladder.yaml or the policy needs 2 approvals from carol, dave (group sre) — never the author; approvals count only for the exact head commit

        """#

    static let exampleProdJSON = #"""
        {
          "enforcement": "active",
          "environments": [
            {
              "environment": "prod",
              "rules": {
                "approvals": {
                  "allow_author": false,
                  "allow_committers": false,
                  "code_owners": true,
                  "dismiss_stale": true,
                  "eligible": [
                    "carol",
                    "dave",
                    "alice",
                    "bob"
                  ],
                  "from": [
                    "group:sre",
                    "group:release"
                  ],
                  "max_age": "7d",
                  "required": 2
                },
                "auto": false,
                "break_glass": {
                  "allowed": true,
                  "approvals": 1,
                  "by": [
                    "group:sre"
                  ],
                  "logins": [
                    "carol",
                    "dave"
                  ]
                },
                "checks": [
                  "build",
                  "e2e"
                ],
                "direct_changes": "deny",
                "max_changed_files": 200,
                "promote_from": [
                  "staging"
                ],
                "promoter_logins": [
                  "alice",
                  "bob"
                ],
                "promoters": [
                  "group:release"
                ],
                "require_signed_commits": false,
                "require_up_to_date": true,
                "soak": "24h",
                "ticket": null,
                "windows": [
                  {
                    "duration": "64h",
                    "kind": "deny",
                    "reason": "weekend freeze",
                    "schedule": "0 16 * * FRI",
                    "timezone": "Europe/Berlin"
                  },
                  {
                    "from": "2026-12-20T00:00:00Z",
                    "kind": "deny",
                    "reason": "year-end freeze",
                    "until": "2027-01-04T00:00:00Z"
                  }
                ]
              },
              "source": null,
              "summary": [
                "prod accepts promotions from staging only",
                "only alice, bob (group release) may promote",
                "ladder auto never promotes into prod",
                "staging must have held the content for 24h before it moves",
                "2 approvals from carol, dave (group sre), alice, bob (group release) — never the author or committers; approvals count only for the exact head commit; approvals older than 7d do not count",
                "the code owners of every changed path must approve",
                "checks build and e2e must pass on the head commit",
                "the branch must contain the trunk tip",
                "at most 200 changed files per promotion",
                "changes that are not faithful promotions are refused",
                "closed Fridays 16:00 Europe/Berlin for 64h (weekend freeze) and 2026-12-20 to 2027-01-04 (year-end freeze)",
                "carol, dave (group sre) may break glass, bypassing promoters, windows, soak and code owners; 1 approval is then enough"
              ],
              "windows_now": {
                "closes_at": null,
                "message": "closed by \"year-end freeze\" (deny, 2026-12-20T00:00:00Z to 2027-01-04T00:00:00Z) until 2027-01-04T07:00:00Z (in 10d19h)",
                "open": false,
                "reopens_at": "2027-01-04T07:00:00Z"
              }
            }
          ],
          "groups": {
            "release": [
              "alice",
              "bob"
            ],
            "sre": [
              "carol",
              "dave"
            ]
          },
          "now": "2026-12-24T12:00:00Z",
          "policy": "ladder-policy.yaml",
          "policy_changes": {
            "allow_author": false,
            "allow_committers": true,
            "code_owners": false,
            "dismiss_stale": true,
            "eligible": [
              "carol",
              "dave"
            ],
            "from": [
              "group:sre"
            ],
            "max_age": null,
            "required": 2
          },
          "rollback": {
            "approvals": {
              "allow_author": false,
              "allow_committers": true,
              "code_owners": false,
              "dismiss_stale": true,
              "eligible": [
                "carol",
                "dave",
                "alice",
                "bob"
              ],
              "from": [
                "group:sre",
                "group:release"
              ],
              "max_age": null,
              "required": 1
            },
            "by": null,
            "checks": [],
            "ignore_windows": true
          },
          "summary": [
            "enforcement: active — a failing rule denies",
            "rollbacks: 1 approval from carol, dave (group sre), alice, bob (group release) — never the author; approvals count only for the exact head commit; windows do not apply",
            "a branch that edits ladder.yaml or the policy needs 2 approvals from carol, dave (group sre) — never the author; approvals count only for the exact head commit"
          ]
        }

        """#

}
