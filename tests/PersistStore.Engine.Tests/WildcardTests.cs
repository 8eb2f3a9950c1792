using PersistStore.Engine.Storage.Sqlite;
using Xunit;

namespace PersistStore.Engine.Tests;

public class WildcardTests
{
    [Theory]
    [InlineData("nightly*", "NIGHTLY*")]
    [InlineData("n?ght[a-c]", "N?GHT[A-C]")]
    [InlineData("literal`*star", "LITERAL[*]STAR")]
    [InlineData("open[", "OPEN[]")]
    public void PowerShellWildcardsBecomeGlobs(string pattern, string glob) => Assert.Equal(glob, SqliteWildcard.ToGlob(pattern));

    [Theory]
    [InlineData("plain", false)]
    [InlineData("a*", true)]
    [InlineData("a`*", false)]
    [InlineData("[ab]", true)]
    public void DetectsWildcards(string pattern, bool expected) => Assert.Equal(expected, SqliteWildcard.HasWildcard(pattern));
}
