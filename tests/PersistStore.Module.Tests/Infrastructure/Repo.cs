using System.IO;
using PersistStore.Tests.Shared;

namespace PersistStore.Module.Tests.Infrastructure;

/// <summary>Paths of the repository and of what the build laid out.</summary>
public static class Repo
{
    public static string Root => RepoPaths.Root;
    public static string ModuleFolder => Path.Combine(Root, "out", "PersistStore");
    public static string Manifest => Path.Combine(ModuleFolder, "PersistStore.psd1");
    public static string TestToolDll => Path.Combine(RepoPaths.Output("tests/PersistStore.TestTool"), "PersistStore.TestTool.dll");
}
