using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checking;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Maintenance;
using PersistStore.Engine.Trees;
using PersistStore.Tests.Shared;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>Directory listings in tree version 3: varint fields, and small subfolders kept inside their parent's listing.</summary>
[Trait("Backends", "Both")]
public class ListingTests : RunFolderTests
{

    /// <summary>Listings stored as blobs of their own (rows, not chunks in packs).</summary>
    private int StoredListings() => _backend.Read(r =>
    {
        int n = 0;
        r.ForEachBlob((_, _, pack) => { if (pack == null) n++; });
        return n;
    });

    private static TreeEntry File(string name, long size, ChangeStamp stamp, params BlobId[] chunks) => new TreeEntry
    {
        Name = name, Kind = EntryKind.File, Mode = 0b110_100_100, Size = size, Stamp = stamp, Chunks = chunks,
        ModifiedUtc = new DateTime(2026, 12, 2, 10, 11, 12, DateTimeKind.Utc).AddTicks(1234567),
    };

    [Fact]
    public void EveryFieldRoundTripsIncludingNestedInlineListingsAndExtremeValues()
    {
        var a = BlobId.Of(new byte[] { 1 });
        var b = BlobId.Of(new byte[] { 2 });
        var deepest = new Tree(new[] { File("x", 0, default) });
        var inner = new Tree(new[]
        {
            new TreeEntry { Name = "deeper", Kind = EntryKind.Directory, Mode = 0x1ED, ModifiedUtc = DateTime.UnixEpoch, Subtree = BlobId.Of(TreeCodec.Encode(deepest)), Inline = deepest },
            File("y", 5L << 40, new ChangeStamp(long.MaxValue, 1), a, b, a),
        });
        var tree = new Tree(new[]
        {
            File("known", 1234, new ChangeStamp(987654321, new DateTime(2026, 12, 2, 10, 11, 13, DateTimeKind.Utc).Ticks), a),
            File("unknown stamp", 7, default, b),
            File("changed before modified", 7, new ChangeStamp(5, 100), b),
            new TreeEntry { Name = "stored", Kind = EntryKind.Directory, Mode = -1, ModifiedUtc = DateTime.MaxValue, Subtree = b },
            new TreeEntry { Name = "inner", Kind = EntryKind.Directory, ModifiedUtc = DateTime.MinValue, Subtree = BlobId.Of(TreeCodec.Encode(inner)), Inline = inner },
            new TreeEntry { Name = "link", Kind = EntryKind.Symlink, LinkTarget = "../ü/target" },
        });
        byte[] bytes = TreeCodec.Encode(tree);
        Assert.Equal(3, bytes[0]);
        var back = TreeCodec.Decode(BlobId.Of(bytes), bytes);
        Assert.Equal(bytes, TreeCodec.Encode(back));
        Assert.Equal(Describe(tree), Describe(back));
        var innerBack = back.Entries.Single(e => e.Name == "inner");
        Assert.NotNull(innerBack.Inline);
        Assert.Equal(BlobId.Of(TreeCodec.Encode(inner)), innerBack.Subtree);   // an inline listing keeps the id it would have stored
        Assert.Null(back.Entries.Single(e => e.Name == "stored").Inline);
    }

    private static List<string> Describe(Tree tree, string prefix = "") => tree.Entries.SelectMany(e =>
        new[] { $"{prefix}{e.Name} {e.Kind} {e.Mode} {e.ModifiedUtc.Ticks} {e.Size} {e.Stamp.Inode} {e.Stamp.ChangedTicks} {string.Join(",", e.Chunks)} {e.Subtree} {e.LinkTarget}" }
            .Concat(e.Inline == null ? new List<string>() : Describe(e.Inline, prefix + e.Name + "/"))).ToList();

    [Fact]
    public void DamageInsideAnInlineListingNamesTheStoredListingAndTheSubfolder()
    {
        var child = new Tree(new[] { File("f", 1, default, BlobId.Of(new byte[] { 1 })) });
        var parent = new Tree(new[] { new TreeEntry { Name = "sub", Kind = EntryKind.Directory, Subtree = BlobId.Of(TreeCodec.Encode(child)), Inline = child } });
        byte[] bytes = TreeCodec.Encode(parent);
        byte[] childBytes = TreeCodec.Encode(child);
        int inner = Enumerable.Range(1, bytes.Length - childBytes.Length).Single(i => bytes.AsSpan(i, childBytes.Length).SequenceEqual(childBytes));
        bytes[inner] = 9;   // the inline listing's own version byte
        var id = BlobId.Of(bytes);
        var e = Assert.Throws<StoreFormatException>(() => TreeCodec.Decode(id, bytes));
        Assert.Equal(("TreeDamaged", id.ToString()), (e.ErrorId, (string)e.Target!));
        Assert.Contains("its subfolder 'sub'", e.Message);
        Assert.Throws<StoreFormatException>(() => TreeCodec.Decode(id, bytes.Take(bytes.Length - 3).ToArray()));
        Assert.Throws<StoreFormatException>(() => TreeCodec.Decode(id, TreeCodec.Encode(parent).Append((byte)0).ToArray()));
    }

    /// <summary>60 folders of one small file each, two levels deep, and one folder of 40 files.</summary>
    private void ManySmallFolders()
    {
        for (int i = 0; i < 60; i++)
            TestFiles.Write(Path.Combine(_work, $"g{i % 6}", $"d{i}", "f.txt"), TestFiles.TextBytes(40 + i * 30, i));
        for (int i = 0; i < 40; i++)
            TestFiles.Write(Path.Combine(_work, "wide", $"file-{i:D2}.txt"), TestFiles.TextBytes(100, 100 + i));
    }

    [Fact]
    public void SmallFoldersAreKeptInsideTheirParentsListingAndEveryPathCommandAgrees()
    {
        ManySmallFolders();
        var image = DirectoryImage.Capture(_work);
        var first = _checkpoints.Create(Job, "first");
        // Stored: the root, the six g* folders (ten inline subfolders each) and "wide"; the 60 one-file folders
        // are inside their parents' listings.
        Assert.Equal(8, StoredListings());
        Assert.Equal((60L + 40, 6L + 60 + 1), (first.Files, first.Directories));
        Assert.Equal(image, DirectoryImage.Capture(Export(first)));

        var again = _checkpoints.Create(Job, "nothing changed");
        Assert.Equal((first.RootTree, 0L), (again.RootTree, again.NewBytes));
        Assert.Equal(8, StoredListings());

        TestFiles.Write(Path.Combine(_work, "g3", "d9", "f.txt"), TestFiles.TextBytes(77, 777));
        Directory.CreateDirectory(Path.Combine(_work, "g3", "d9", "new-empty"));
        var changed = _checkpoints.Create(Job, "one small folder changed");
        Assert.Equal(10, StoredListings());   // a new root and a new g3 (d9 inside it)
        var changes = _restore.Compare(first, changed).Select(c => $"{c.Path} {c.Change}").ToList();
        Assert.Equal(new[] { "g3/d9/f.txt Modified", "g3/d9/new-empty Added" }, changes);
        Assert.Equal(DirectoryImage.Capture(_work), DirectoryImage.Capture(Export(changed)));

        var problems = new List<StoreProblem>();
        var check = new StoreChecker(_backend, Caller.For(null)).Run(new CheckOptions { ReadDataPercent = 100 }, problems.Add);
        Assert.Empty(problems);
        Assert.Equal(0L, _backend.Read(r => r.Summarize()).UnreferencedChunks);
        new OptimizeService(_backend, Caller.For(null)).Run(new OptimizeOptions { MaxUnusedPercent = 0, WriterTimeout = TimeSpan.FromSeconds(30) });
        Assert.Equal(image, DirectoryImage.Capture(Export(first)));

        var result = _restore.Revert(Job, 1, includeTags: false, planOnly: false);
        Assert.Equal(image, DirectoryImage.Capture(_work));
        Assert.Equal(1, result.Target.Number);
    }
}
