using System;
using System.IO;

namespace PersistStore.Module.Tests.Infrastructure;

/// <summary>Paths of the repository and of what the build laid out.</summary>
public static class Repo
{
    public static string Root { get; } = FindRoot();
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
    public static string ModuleFolder => Path.Combine(Root, "out", "PersistStore");
    public static string Manifest => Path.Combine(ModuleFolder, "PersistStore.psd1");
    public static string HostDll => Path.Combine(Root, "src", "PersistStore.Host", "bin", Configuration, "net10.0", "persiststore-host.dll");
    public static string TestToolDll => Path.Combine(Root, "tests", "PersistStore.TestTool", "bin", Configuration, "net10.0", "PersistStore.TestTool.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "PersistStore.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Repository root (PersistStore.slnx) not found above " + AppContext.BaseDirectory);
    }
}
