using System;
using System.IO;

namespace PersistStore.Tests.Shared;

/// <summary>Where the repository and the build outputs of this configuration are, seen from a test assembly.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";

    /// <summary>The build output folder of a project under the repository, e.g. "tests/PersistStore.CrashWorker".</summary>
    public static string Output(string project) => Path.Combine(Root, project, "bin", Configuration, "net10.0");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PersistStore.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PersistStore.slnx) not found above " + AppContext.BaseDirectory);
    }
}
