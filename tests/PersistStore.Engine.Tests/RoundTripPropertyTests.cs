using System;
using System.IO;
using System.Linq;
using System.Threading;
using CsCheck;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Runs;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>Random trees -> checkpoint -> export -> the same bytes, kinds, links, modes and times.</summary>
public class RoundTripPropertyTests : IDisposable
{
    private const string NameChars = "abcXYZ019 ._-ßé名字✓€()[]{}'#@+=,;~";
    private readonly TestStore _store = new();

    public void Dispose() => _store.Dispose();

    private sealed record Item(string[] Path, int Kind, int SizeClass, int Seed, int Mode, long Ticks);

    private static readonly Gen<string> Name =
        Gen.Char[NameChars].Array[1, 10].Select(c => new string(c)).Where(n => n != "." && n != ".." && n.Trim().Length > 0);

    private static readonly Gen<Item> ItemGen =
        Gen.Select(Name.Array[1, 5], Gen.Int[0, 9], Gen.Int[0, 9], Gen.Int, Gen.Int[0, 511], Gen.Long[630_000_000_000_000_000, 650_000_000_000_000_000],
            (path, kind, size, seed, mode, ticks) => new Item(path, kind, size, seed, mode, ticks));

    [Fact]
    public void RandomTreesRoundTripExactly()
    {
        var backend = _store.Open();
        var runs = new RunService(backend);
        var checkpoints = new CheckpointService(backend);
        var restore = new RestoreService(backend);
        int iteration = 0, entries = 0, links = 0;
        ItemGen.Array[0, 25].Sample(items =>
        {
            // CsCheck runs samples on several threads at once: each takes its own number (a plain iteration++ after
            // reading it gave two samples the same folder once, under the full suite's load, and the test failed).
            int n = Interlocked.Increment(ref iteration);
            string work = Path.Combine(_store.Folder, $"src-{n}");
            string export = Path.Combine(_store.Folder, $"dst-{n}");
            string run = $"prop-{n}";
            Directory.CreateDirectory(work);
            foreach (var item in items) Materialize(work, item);
            var expected = DirectoryImage.Capture(work);
            Interlocked.Add(ref entries, expected.Count);
            Interlocked.Add(ref links, expected.Count(l => l.StartsWith("link", StringComparison.Ordinal)));
            runs.Create(new NewRunRequest { Name = run, Path = work });
            var first = checkpoints.Create(RunRef.Parse(run), null);
            restore.Export(first, export);
            Assert.Equal(expected, DirectoryImage.Capture(export));
            var again = checkpoints.Create(RunRef.Parse(run), null);   // unchanged: every stored tree is reused
            Assert.Equal(first.RootTree, again.RootTree);
            Assert.Equal((first.Files, first.Directories, first.LogicalBytes), (again.Files, again.Directories, again.LogicalBytes));
            Assert.Equal(0, again.NewBytes);
        }, iter: 30);
        Assert.True(entries > 150 && links > 5, $"the generator made too little to prove anything: {entries} entries, {links} links");
    }

    private static void Materialize(string root, Item item)
    {
        string path = Path.Combine(new[] { root }.Concat(item.Path).ToArray());
        string parent = Path.GetDirectoryName(path)!;
        try
        {
            Directory.CreateDirectory(parent);
            if (Directory.Exists(path) || File.Exists(path) || new FileInfo(path).LinkTarget != null) return;
            switch (item.Kind)
            {
                case 0:
                    Directory.CreateDirectory(path);
                    break;
                case 1:
                    File.CreateSymbolicLink(path, item.SizeClass % 2 == 0 ? item.Path[^1] + "-target" : "../../somewhere/else");
                    return;
                default:
                    int size = item.SizeClass switch { 0 => 0, < 5 => Math.Abs(item.Seed % 200), < 8 => Math.Abs(item.Seed % 100_000), 8 => 300_000 + Math.Abs(item.Seed % 200_000), _ => 1_500_000 };
                    File.WriteAllBytes(path, item.SizeClass % 2 == 0 ? TestFiles.TextBytes(size, item.Seed) : TestFiles.RandomBytes(size, item.Seed));
                    File.SetUnixFileMode(path, (UnixFileMode)(item.Mode | 0b110_000_000));   // keep it readable and writable by us
                    break;
            }
            File.SetLastWriteTimeUtc(path, new DateTime(item.Ticks, DateTimeKind.Utc));
        }
        catch (IOException)
        {
            // A generated path runs through a file or a link: that entry is simply not created.
        }
    }
}
