/// A semantic version that the history bumps.
struct Version: Equatable, CustomStringConvertible {
    var major: Int
    var minor: Int
    var patch: Int

    var description: String { "\(major).\(minor).\(patch)" }

    mutating func bump(using random: inout SeededGenerator) {
        switch random.below(20) {
        case 0: major += 1; minor = 0; patch = 0
        case 1...5: minor += 1; patch = 0
        default: patch += 1
        }
    }
}

/// One deployable unit and the fixed facts about it.
struct Unit {
    let name: String
    let team: String
    let port: Int
    let hasTerragrunt: Bool
    let hasFeatures: Bool
}

/// The promotable content of a unit in one environment: what a promotion copies from the source.
/// Two environments with equal states and the same tier have byte-identical unit directories.
struct UnitState: Equatable {
    var tag: Version
    var chart: Version
    var configRevision: Int
    var deploymentRevision: Int
    var moduleRef: Version
    var featuresRevision: Int
    var hasAutoscaler: Bool

    /// Copies the promotable content of `source`, as `ladder promote` would.
    mutating func promote(from source: UnitState) { self = source }
}

/// Environment-specific facts: never promoted. `dev` and `staging` share the `nonprod` tier, so
/// their unit directories are identical unless their promotable content differs; `prod` always
/// differs from them in its environment-specific files.
struct Tier {
    let name: String
    let replicas: Int
    let logLevel: String

    static func of(environment: String) -> Tier {
        environment == "prod"
            ? Tier(name: "prod", replicas: 3, logLevel: "warn") : Tier(name: "nonprod", replicas: 1, logLevel: "debug")
    }
}

enum Content {
    static let environments = ["dev", "staging", "prod"]

    /// The files of `unit` in an environment, by path relative to the unit directory.
    static func files(of unit: Unit, tier: Tier, prodReplicas: Int, state: UnitState) -> [String: String] {
        let replicas = tier.name == "prod" ? prodReplicas : tier.replicas
        var files: [String: String] = [:]
        files["values.yaml"] = """
            # \(unit.name): only image.tag and chart.version are promoted; the rest belongs to the environment.
            image:
              tag: "\(state.tag)"   # set by ladder promote
            chart:
              version: \(state.chart)
            replicas: \(replicas)
            resources:
              requests:
                cpu: \(tier.name == "prod" ? 500 : 100)m
                memory: \(tier.name == "prod" ? 512 : 128)Mi

            """
        files["env.yaml"] = """
            # Environment-specific settings: never promoted.
            cluster: \(tier.name)-eu-west-1
            endpoint: https://\(unit.name).\(tier.name).acme.example.com
            logLevel: \(tier.logLevel)

            """
        files["secrets/db.yaml"] = """
            # Reference to the secret store; environment-specific.
            secretRef: vault://acme/\(tier.name)/\(unit.name)/db

            """
        files["deployment.yaml"] = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: \(unit.name)
              labels:
                app: \(unit.name)
                team: \(unit.team)
            spec:
              selector:
                matchLabels:
                  app: \(unit.name)
              template:
                metadata:
                  labels:
                    app: \(unit.name)
                spec:
                  terminationGracePeriodSeconds: \(30 + state.deploymentRevision)
                  containers:
                    - name: \(unit.name)
                      image: registry.example.com/acme/\(unit.name)
                      ports:
                        - containerPort: \(unit.port)
                      readinessProbe:
                        httpGet:
                          path: /healthz
                          port: \(unit.port)
                      envFrom:
                        - configMapRef:
                            name: \(unit.name)-config

            """
        files["service.yaml"] = """
            apiVersion: v1
            kind: Service
            metadata:
              name: \(unit.name)
              labels:
                app: \(unit.name)
            spec:
              selector:
                app: \(unit.name)
              ports:
                - name: http
                  port: 80
                  targetPort: \(unit.port)

            """
        files["configmap.yaml"] = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: \(unit.name)-config
            data:
              LOG_FORMAT: json
              CACHE_TTL_SECONDS: "\(60 + 5 * state.configRevision)"
              HTTP_TIMEOUT_MS: "\(1500 + 100 * (state.configRevision % 7))"
              CONFIG_REVISION: "\(state.configRevision)"

            """
        files["README.md"] = """
            # \(unit.name)

            Owned by team `\(unit.team)`. Deployed by Ladder from `environments/<env>/\(unit.name)`;
            `env.yaml` and `secrets/` are environment-specific and never promoted.

            """
        if unit.hasTerragrunt {
            files["terragrunt.hcl"] = """
                terraform {
                  source = "git::https://git.example.com/infra/modules.git//service?ref=v\(state.moduleRef)"
                }

                inputs = {
                  name   = "\(unit.name)"
                  domain = "\(unit.name).\(tier.name).acme.example.com"
                }

                """
        }
        if unit.hasFeatures {
            files["features.yaml"] = """
                flags:
                  newCheckout: \(state.featuresRevision % 2 == 1)
                  betaSearch: \(state.featuresRevision % 3 == 2)
                  rolloutPercent: \(min(100, 10 * state.featuresRevision))

                """
        }
        if state.hasAutoscaler {
            files["hpa.yaml"] = """
                apiVersion: autoscaling/v2
                kind: HorizontalPodAutoscaler
                metadata:
                  name: \(unit.name)
                spec:
                  scaleTargetRef:
                    apiVersion: apps/v1
                    kind: Deployment
                    name: \(unit.name)
                  minReplicas: 1
                  maxReplicas: 10

                """
        }
        return files
    }

    /// The base layer of a unit under `templates/`.
    static func templateFiles(of unit: Unit) -> [String: String] {
        [
            "values.yaml": """
                # Defaults shared by every environment for \(unit.name).
                image:
                  repository: registry.example.com/acme/\(unit.name)
                  tag: "0.0.0"
                  pullPolicy: IfNotPresent
                replicas: 1
                resources:
                  requests:
                    cpu: 100m
                    memory: 128Mi

                """,
            "deployment.yaml": """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: \(unit.name)
                spec:
                  strategy:
                    type: RollingUpdate
                  template:
                    spec:
                      securityContext:
                        runAsNonRoot: true

                """,
        ]
    }

    static let ladderYAML = """
        # Ladder configuration of a generated benchmark monorepo (Benchmarks/Generator).
        version: 1
        trunk: main
        base: templates
        unit_depth: 1
        policy: ladder-policy.yaml
        forge: github
        environments:
          - name: dev
            path: environments/dev
          - name: staging
            path: environments/staging
          - name: prod
            path: environments/prod
        promotions:
          - from: dev
            to: [staging]
          - from: staging
            to: [prod]
        promote:
          exclude:
            - "*/env.yaml"
            - "**/secrets/**"
          keys:
            - files: "*/values.yaml"
              paths: [image.tag, chart.version]
          patterns:
            - files: "**/terragrunt.hcl"
              regex: '\\?ref=(v[0-9][0-9.]*)'
          delete: true
        version_key: image.tag

        """

    static let policyYAML = """
        # Policy of a generated benchmark monorepo: promotions into staging are allowed to anyone.
        version: 1
        groups:
          release: [alice, bob]
          sre: [carol, dave]
        defaults:
          approvals: {required: 1, allow_author: false, dismiss_stale: true}
        environments:
          staging:
            promote_from: [dev]
            auto: true
          prod:
            promote_from: [staging]
            approvals:
              required: 2
              from: [group:sre, group:release]
            checks: [build]
        enforcement: active

        """

    static let rootREADME = """
        # acme deployments

        Generated by `ladder-bench-gen` for Ladder's benchmarks. Environments live under
        `environments/`, shared defaults under `templates/`.

        """
}
