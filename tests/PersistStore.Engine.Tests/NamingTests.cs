using System;
using System.Collections;
using System.Linq;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Model;
using PersistStore.Engine.Naming;
using CsCheck;
using Xunit;

namespace PersistStore.Engine.Tests;

public class NamingTests
{
    [Theory]
    [InlineData("nightly")]
    [InlineData("etl.import_2024-01")]
    [InlineData("9lives")]
    [InlineData("Überwachung")]
    public void ValidRunNamesAreAccepted(string name) => Assert.Equal(name, RunName.Validate(name));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("-leading", "start with")]
    [InlineData("has space", "U+0020")]
    [InlineData("wild*card", "'*'")]
    [InlineData("slash/name", "'/'")]
    [InlineData("tab\tname", "U+0009")]
    [InlineData("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "GUID")]
    public void InvalidRunNamesAreRefusedWithTheReason(string name, string reason)
    {
        var e = Assert.Throws<InvalidRunNameException>(() => RunName.Validate(name));
        Assert.Equal("InvalidRunName", e.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, e.Kind);
        Assert.Equal(name, e.Target);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void OverLongRunNameIsRefused() =>
        Assert.Throws<InvalidRunNameException>(() => RunName.Validate(new string('a', RunName.MaxLength + 1)));

    [Fact]
    public void TagsKeepOrderAndDropCaseInsensitiveDuplicatesKeepingTheFirstSpelling() =>
        Assert.Equal(new[] { "Nightly", "etl", "B" }, TagList.Normalize(new[] { "Nightly", "etl", "NIGHTLY", "B", "b", "Etl" }));

    [Fact]
    public void AppendKeepsExistingTagsFirst() =>
        Assert.Equal(new[] { "a", "B", "c" }, TagList.Append(new[] { "a", "B" }, new[] { "b", "c", "A" }));

    [Fact]
    public void WithoutRemovesCaseInsensitivelyAndKeepsOrder() =>
        Assert.Equal(new[] { "a", "c" }, TagList.Without(new[] { "a", "B", "c" }, new[] { "b", "missing" }));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" padded")]
    [InlineData("bell\u0007")]
    [InlineData("line\nbreak")]
    public void BadTagsAreRefused(string tag)
    {
        var e = Assert.Throws<InvalidTagException>(() => TagList.Normalize(new[] { "ok", tag }));
        Assert.Equal("InvalidTag", e.ErrorId);
        Assert.Equal(tag, e.Target);
    }

    [Fact]
    public void OverLongTagIsRefused() =>
        Assert.Throws<InvalidTagException>(() => TagList.Normalize(new[] { new string('t', TagList.MaxTagLength + 1) }));

    [Fact]
    public void PropertyValuesAreNormalisedToOneTypePerKind()
    {
        var local = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Local);
        Assert.Equal(3L, PropertyRules.NormalizeValue("n", 3));
        Assert.Equal(3L, PropertyRules.NormalizeValue("n", (byte)3));
        Assert.Equal(1.5, PropertyRules.NormalizeValue("n", 1.5f));
        Assert.Equal(2.5m, PropertyRules.NormalizeValue("n", 2.5m));
        Assert.Equal(true, PropertyRules.NormalizeValue("n", true));
        Assert.Equal(local.ToUniversalTime(), PropertyRules.NormalizeValue("n", local));
        Assert.Equal(DateTimeKind.Utc, ((DateTime)PropertyRules.NormalizeValue("n", local)).Kind);
    }

    [Fact]
    public void NonSimplePropertyValuesAreRefused()
    {
        Assert.Throws<InvalidPropertyException>(() => PropertyRules.NormalizeValue("p", new Hashtable()));
        Assert.Throws<InvalidPropertyException>(() => PropertyRules.NormalizeValue("p", new[] { 1, 2 }));
        Assert.Throws<InvalidPropertyException>(() => PropertyRules.NormalizeValue("p", double.NaN));
        var e = Assert.Throws<InvalidPropertyException>(() => PropertyRules.NormalizeValue("p", null));
        Assert.Equal("p", e.Target);
        Assert.Throws<InvalidPropertyException>(() => PropertyRules.ValidateName(""));
        Assert.Throws<InvalidPropertyException>(() => PropertyRules.ValidateName("a\u0001"));
    }

    [Fact]
    public void PropertyCodecRoundTripsExactly()
    {
        Gen.Long.Sample(v => Assert.Equal(v, PropertyCodec.Decode(PropertyCodec.Encode(v).Kind, PropertyCodec.Encode(v).Text)));
        Gen.Double.Where(d => !double.IsNaN(d) && !double.IsInfinity(d))
            .Sample(v => Assert.Equal(v, PropertyCodec.Decode(PropertyCodec.Encode(v).Kind, PropertyCodec.Encode(v).Text)));
        Gen.Decimal.Sample(v => Assert.Equal(v, PropertyCodec.Decode(PropertyCodec.Encode(v).Kind, PropertyCodec.Encode(v).Text)));
        Gen.String.Sample(v => Assert.Equal(v, PropertyCodec.Decode(PropertyCodec.Encode(v).Kind, PropertyCodec.Encode(v).Text)));
        Gen.DateTime.Select(d => DateTime.SpecifyKind(d, DateTimeKind.Utc))
            .Sample(v => Assert.Equal(v, PropertyCodec.Decode(PropertyCodec.Encode(v).Kind, PropertyCodec.Encode(v).Text)));
    }
}
