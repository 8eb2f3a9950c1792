using System;
using System.Diagnostics;
using System.IO;

namespace PersistStore.Tests.Shared;

/// <summary>
/// A folder nobody can write to. Mode bits do not stop root, so as root this is a read-only tmpfs mount.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ReadOnlyFolder : IDisposable
{
    private readonly bool _mounted;

    private ReadOnlyFolder(string path, bool mounted)
    {
        Path = path;
        _mounted = mounted;
    }

    public string Path { get; }

    public static ReadOnlyFolder Create(string parent) => Make(parent, source: null);

    /// <summary>A read-only folder holding a copy of <paramref name="source"/> (under the source's own name).</summary>
    public static ReadOnlyFolder Holding(string parent, string source) => Make(parent, source);

    private static ReadOnlyFolder Make(string parent, string? source)
    {
        string path = Directory.CreateDirectory(System.IO.Path.Combine(parent, "read-only")).FullName;
        bool root = Environment.UserName == "root";
        if (root) Run("mount", $"-t tmpfs -o size={(source == null ? 1 : 64)}m persiststore-test \"{path}\"");
        if (source != null) Run("cp", $"-a \"{source}\" \"{System.IO.Path.Combine(path, System.IO.Path.GetFileName(source))}\"");
        if (root) Run("mount", $"-o remount,ro \"{path}\"");
        else Run("chmod", $"-R a-w \"{path}\"");
        return new ReadOnlyFolder(path, root);
    }

    public void Dispose()
    {
        if (_mounted) Run("umount", $"\"{Path}\"");
        else Run("chmod", $"-R u+w \"{Path}\"");
    }

    private static void Run(string file, string arguments)
    {
        using var p = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments} failed ({p.ExitCode}): {error}. The read-only test needs mount rights as root.");
    }
}
