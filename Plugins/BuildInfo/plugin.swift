import Foundation
import PackagePlugin

/// Writes `BuildInfo.swift` (version, commit, build date) before every build, so `--version`, recordings and the
/// log name the commit a binary was built from. A prebuild command runs each build; the script rewrites the file
/// only when its text changes, so an unchanged checkout recompiles nothing.
@main
struct BuildInfoPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        return [
            .prebuildCommand(
                displayName: "Build information for \(target.name)",
                executable: URL(fileURLWithPath: "/bin/sh"),
                arguments: [
                    context.package.directoryURL.appending(path: "Scripts/build-info.sh").path,
                    context.package.directoryURL.path,
                    output.appending(path: "GeneratedBuildInfo.swift").path,
                ],
                outputFilesDirectory: output)
        ]
    }
}
