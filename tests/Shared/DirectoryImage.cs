using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;

namespace PersistStore.Tests.Shared;

/// <summary>Everything a checkpoint promises to keep about a folder, as comparable text lines.</summary>
public static class DirectoryImage
{
    public static IReadOnlyList<string> Capture(string root, bool withDirectoryTimes = true)
    {
        var lines = new List<string>();
        Walk(new DirectoryInfo(root), "", lines, withDirectoryTimes);
        return lines;
    }

    private static void Walk(DirectoryInfo dir, string relative, List<string> lines, bool withDirectoryTimes)
    {
        foreach (var child in dir.GetFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string rel = relative.Length == 0 ? child.Name : relative + "/" + child.Name;
            string mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)child.UnixFileMode, 8);
            if ((child.Attributes & FileAttributes.ReparsePoint) != 0)
                lines.Add($"link {rel} -> {child.LinkTarget}");
            else if (child is DirectoryInfo sub)
            {
                lines.Add($"dir  {rel} {mode}" + (withDirectoryTimes ? $" {sub.LastWriteTimeUtc.Ticks}" : ""));
                Walk(sub, rel, lines, withDirectoryTimes);
            }
            else
            {
                var file = (FileInfo)child;
                using var stream = file.OpenRead();
                lines.Add($"file {rel} {mode} {file.LastWriteTimeUtc.Ticks} {file.Length} {Convert.ToHexString(SHA256.HashData(stream))}");
            }
        }
    }
}

/// <summary>Builds test folders: deterministic pseudo-random content, odd names, links, modes and times.</summary>
public static class TestFiles
{
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] TextBytes(int length, int seed)
    {
        var random = new Random(seed);
        string[] words = { "alpha", "beta", "gamma", "checkpoint", "run", "store", "\n", "2024-01-01T00:00:00Z", "ERROR", "ok" };
        var sb = new System.Text.StringBuilder(length + 32);
        while (sb.Length < length) sb.Append(words[random.Next(words.Length)]).Append(' ');
        return System.Text.Encoding.UTF8.GetBytes(sb.ToString(0, length));
    }

    public static void Write(string path, byte[] content, DateTime? modifiedUtc = null, UnixFileMode? mode = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        if (mode != null && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, mode.Value);
        if (modifiedUtc != null) File.SetLastWriteTimeUtc(path, modifiedUtc.Value);
    }

    /// <summary>A small tree with every kind of entry a checkpoint must keep.</summary>
    public static void Sample(string root)
    {
        var t = new DateTime(2024, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(1234567);
        Write(Path.Combine(root, "readme.txt"), TextBytes(3000, 1), t);
        Write(Path.Combine(root, "empty.bin"), Array.Empty<byte>(), t.AddDays(1));
        Write(Path.Combine(root, "data", "big.bin"), RandomBytes(3 * 1024 * 1024 + 17, 2), t.AddDays(2));
        Write(Path.Combine(root, "data", "log.txt"), TextBytes(900_000, 3), t.AddDays(3));
        Write(Path.Combine(root, "scripts", "run.sh"), TextBytes(200, 4), t.AddDays(4), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead);
        Write(Path.Combine(root, "ünïcödé ✓", "名前.txt"), TextBytes(50, 5), t.AddDays(5));
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        Directory.CreateDirectory(Path.Combine(root, "deep", "a", "b", "c", "d"));
        Write(Path.Combine(root, "deep", "a", "b", "c", "d", "leaf.txt"), TextBytes(10, 6), t);
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(Path.Combine(root, "link-to-readme"), "readme.txt");
            File.CreateSymbolicLink(Path.Combine(root, "dangling"), "../outside/nowhere");
        }
    }
}

/// <summary>Inode and change time of every path (Linux `stat`): what tells a rewritten or re-chmod-ed file from an untouched one.</summary>
public static class FileIdentity
{
    public static System.Collections.Generic.Dictionary<string, (long Inode, string ChangeTime)> Capture(string root)
    {
        var paths = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Prepend(root).ToList();
        var psi = new System.Diagnostics.ProcessStartInfo("stat", "") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "%i %.9Z" }.Concat(paths)) psi.ArgumentList.Add(a);
        using var stat = System.Diagnostics.Process.Start(psi)!;
        var lines = stat.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        stat.WaitForExit();
        return paths.Select((p, i) => (Key: Path.GetRelativePath(root, p).Replace('\\', '/'), Parts: lines[i].Split(' ')))
            .ToDictionary(x => x.Key, x => (long.Parse(x.Parts[0], System.Globalization.CultureInfo.InvariantCulture), x.Parts[1]));
    }
}
