import Foundation
import LadderCore
import LadderTestSupport
import Testing

/// Layouts shaped like common public GitOps repositories.
enum Layouts {
    /// Kustomize: `base/` plus `overlays/<env>` with a kustomization.yaml at each overlay's top.
    static let kustomize: [String: String] = [
        "base/kustomization.yaml": "resources: [deployment.yaml, service.yaml]\n",
        "base/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\n",
        "base/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: app}\n",
        "overlays/dev/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: app\n    newTag: 1.3.0\n",
        "overlays/staging/kustomization.yaml": "resources: [../../base]\nimages:\n  - name: app\n    newTag: 1.2.0\n",
        "overlays/prod/kustomization.yaml": "resources: [../../base]\npatches: [{path: replicas.yaml}]\nimages:\n  - name: app\n    newTag: 1.1.0\n",
        "overlays/prod/replicas.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {replicas: 5}\n",
        "README.md": "# app\n",
    ]

    /// Flux (fluxcd/flux2-kustomize-helm-example): apps/{base,staging,production}, clusters/<env>.
    static let flux: [String: String] = [
        "apps/base/podinfo/kustomization.yaml": "resources: [namespace.yaml, release.yaml]\n",
        "apps/base/podinfo/release.yaml": "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n",
        "apps/staging/kustomization.yaml": "resources: [../base/podinfo]\npatches: [{path: podinfo-values.yaml}]\n",
        "apps/staging/podinfo-values.yaml": "spec: {chart: {spec: {version: '>=1.0.0-alpha'}}}\n",
        "apps/production/kustomization.yaml": "resources: [../base/podinfo]\npatches: [{path: podinfo-values.yaml}]\n",
        "apps/production/podinfo-values.yaml": "spec: {chart: {spec: {version: '>=1.0.0'}}}\n",
        "clusters/staging/apps.yaml": "kind: Kustomization\n",
        "clusters/production/apps.yaml": "kind: Kustomization\n",
        "infrastructure/controllers/kustomization.yaml": "resources: []\n",
    ]

    /// Terraform: environments/{dev,prod}/<module> with tfvars and a backend per environment.
    static let terraform: [String: String] = [
        "modules/network/main.tf": "variable \"cidr\" {}\n",
        "environments/dev/network/main.tf": "module \"network\" { source = \"../../../modules/network\" }\n",
        "environments/dev/network/terraform.tfvars": "cidr = \"10.0.0.0/16\"\n",
        "environments/dev/network/backend.tf": "terraform { backend \"s3\" { key = \"dev/network\" } }\n",
        "environments/prod/network/main.tf": "module \"network\" { source = \"../../../modules/network\" }\n",
        "environments/prod/network/terraform.tfvars": "cidr = \"10.1.0.0/16\"\n",
        "environments/prod/network/backend.tf": "terraform { backend \"s3\" { key = \"prod/network\" } }\n",
    ]
}

@Suite struct LayoutDetectorTests {
    @Test func kustomizeOverlays() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: Layouts.kustomize))
        #expect(layout.environments == [
            DetectedEnvironment(name: "dev", path: "overlays/dev"), DetectedEnvironment(name: "staging", path: "overlays/staging"),
            DetectedEnvironment(name: "prod", path: "overlays/prod"),
        ])
        #expect(layout.base == "base")
        #expect(layout.unitDepth == 0)
        #expect(layout.summary == "Kustomize overlays in overlays/ (base in base/)")
        #expect(layout.keys.map(\.files) == ["/kustomization.yaml"])
        #expect(layout.keys.first?.paths == ["images"])
        #expect(layout.excludes.isEmpty)
        #expect(layout.versionKey == nil)
    }

    @Test func fluxAppsWithBase() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: Layouts.flux))
        #expect(layout.environments.map(\.name) == ["staging", "production"])
        #expect(layout.environments.map(\.path) == ["apps/staging", "apps/production"])
        #expect(layout.base == "apps/base")
        #expect(layout.unitDepth == 0)
        #expect(layout.notes.contains { $0.hasPrefix("also found clusters/{production,staging}") })
    }

    @Test func terraformEnvironments() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: Layouts.terraform))
        #expect(layout.environments.map(\.name) == ["dev", "prod"])
        #expect(layout.base == nil)
        #expect(layout.unitDepth == 1)
        #expect(layout.summary == "Terraform environments in environments/")
        #expect(layout.excludes.map(\.pattern) == ["**/*.tfvars", "**/backend.tf"])
    }

    @Test func bundledExampleMatchesItsHandWrittenConfig() throws {
        let repo = try FixtureRepository.example()
        let layout = try LayoutDetector.detect(ProjectTree.scan(root: repo.path))
        let handWritten = try LadderConfig.parse(Array(try Data(contentsOf: URL(fileURLWithPath: repo.scratch.join("ladder.yaml")))))
        let generated = try LadderConfig.parse(Array(ScaffoldWriter.config(layout, options: ScaffoldOptions()).utf8))
        #expect(generated.environments == handWritten.environments)
        #expect(generated.promotions == handWritten.promotions)
        #expect(generated.base == handWritten.base)
        #expect(generated.unitDepth == handWritten.unitDepth)
        #expect(generated.promote == handWritten.promote)
        #expect(generated.versionKey == handWritten.versionKey)
    }

    @Test(arguments: [
        (["prod", "dev", "staging"], ["dev", "staging", "prod"]),
        (["production", "qa", "sandbox", "uat", "development", "preprod", "int", "test", "stage"],
         ["development", "test", "qa", "int", "sandbox", "stage", "preprod", "uat", "production"]),
        (["prod-us", "prod-eu", "staging", "dev"], ["dev", "staging", "prod-eu", "prod-us"]),
        (["zeta", "prod", "alpha", "dev"], ["dev", "alpha", "zeta", "prod"]),
    ])
    func ordering(_ names: [String], _ expected: [String]) {
        let ordered = LayoutDetector.order(names.map { DetectedEnvironment(name: $0, path: "envs/" + $0) })
        #expect(ordered.map(\.name) == expected)
    }

    @Test(arguments: [("Prod", "prod"), ("Prod EU", "prod-eu"), ("us-east-1.prod", "us-east-1.prod"), ("prüfung", nil), ("-dev", nil)] as [(String, String?)])
    func names(_ directory: String, _ expected: String?) {
        #expect(LayoutDetector.environmentName(forDirectory: directory) == expected)
    }

    @Test func directoryNamesThatCannotBeEnvironments() {
        #expect(throws: ScaffoldError.invalidEnvironmentName(directory: "prüfung", path: "envs/prüfung")) {
            try LayoutDetector.detect(ProjectTree(files: ["envs/dev/a.yaml": "", "envs/prüfung/a.yaml": ""]))
        }
        #expect(throws: ScaffoldError.duplicateEnvironmentName("dev", paths: ["envs/DEV", "envs/dev"])) {
            try LayoutDetector.detect(ProjectTree(files: ["envs/DEV/a.yaml": "", "envs/dev/a.yaml": ""]))
        }
    }

    @Test func nothingDetected() {
        #expect(throws: ScaffoldError.nothingDetected(searched: LayoutDetector.searchedLayouts, found: nil)) {
            try LayoutDetector.detect(ProjectTree(files: ["src/main.swift": "", "apps/frontend/a.yaml": "", "apps/backend/a.yaml": ""]))
        }
        let single = ScaffoldError.nothingDetected(
            searched: LayoutDetector.searchedLayouts, found: "only 'environments/dev' found; Ladder needs at least two environments")
        #expect(throws: single) { try LayoutDetector.detect(ProjectTree(files: ["environments/dev/a/values.yaml": ""])) }
    }

    @Test func weakParentsKeepOnlyWellKnownNames() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: [
            "deploy/dev/app/values.yaml": "image: {tag: '1'}\n", "deploy/prod/app/values.yaml": "image: {tag: '1'}\n",
            "deploy/tools/lint.sh": "",
        ]))
        #expect(layout.environments.map(\.path) == ["deploy/dev", "deploy/prod"])
        #expect(layout.notes == ["left out deploy/tools: not a well-known environment name"])
        #expect(layout.keys == [DetectedKeyRule(files: "*/values.yaml", paths: ["image.tag"], reason: layout.keys.first?.reason ?? "")])
        #expect(layout.versionKey == "image.tag")
    }

    @Test func preferredParentAndNestedLocations() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: [
            "k8s/overlays/dev/kustomization.yaml": "", "k8s/overlays/prod/kustomization.yaml": "", "k8s/base/kustomization.yaml": "",
            "clusters/dev/flux.yaml": "", "clusters/prod/flux.yaml": "",
        ]))
        #expect(layout.parent == "k8s/overlays")
        #expect(layout.base == "k8s/base")
        #expect(layout.notes.count == 1)
    }

    @Test func unitDepthTwoAndEnvironmentSpecificFiles() throws {
        let layout = try LayoutDetector.detect(ProjectTree(files: [
            "envs/dev/team-a/api/values.yaml": "chart: {version: 1.0.0}\n", "envs/dev/team-a/api/env.yaml": "",
            "envs/dev/team-a/api/secrets/db.yaml": "", "envs/dev/team-a/api/db.sops.yaml": "",
            "envs/prod/team-a/api/values.yaml": "chart: {version: 1.0.0}\n", "envs/prod/README.md": "",
        ]))
        #expect(layout.unitDepth == 2)
        #expect(layout.excludes.map(\.pattern) == ["*/*/env.yaml", "**/secrets/**", "**/*.sops.yaml"])
        #expect(layout.keys.map(\.paths) == [["chart.version"]])
        #expect(layout.versionKey == nil)
    }

    @Test(arguments: [
        ("git@gitlab.com:group/repo.git", Forge.gitlab), ("https://gitlab.example.org/a/b", .gitlab),
        ("ssh://git@github.com:22/a/b.git", .github), ("https://token@github.com/a/b", .github),
        ("git@git.internal:a/b.git", .github),
    ] as [(String, Forge)])
    func forgeFromRemote(_ url: String, _ forge: Forge) {
        #expect(Scaffold.forge(fromRemoteURL: url) == forge)
    }

    @Test func forgeFromLocalPathIsUnknown() {
        #expect(Scaffold.forge(fromRemoteURL: "/srv/git/repo.git") == nil)
    }
}
