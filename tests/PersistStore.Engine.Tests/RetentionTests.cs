using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using PersistStore.Engine.Checkpoints;
using PersistStore.Engine.Compression;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Model;
using PersistStore.Engine.Retention;
using PersistStore.Engine.Runs;
using PersistStore.Engine.Storage;
using Xunit;

namespace PersistStore.Engine.Tests;

/// <summary>
/// Retention plans against expectations worked out by hand (restic's forget semantics), in UTC and in a zone with
/// daylight saving time, across ISO week and year boundaries and with equal timestamps; then removal in a store.
/// </summary>
[Trait("Backends", "Both")]
public class RetentionTests
{
    /// <summary>Central European time built by hand (no dependency on the machine's tz database): UTC+1, and
    /// UTC+2 from the last Sunday of March 02:00 to the last Sunday of October 03:00.</summary>
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.CreateCustomTimeZone("Test/Central-Europe", TimeSpan.FromHours(1), "CET test", "CET", "CEST",
        new[]
        {
            TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(DateTime.MinValue.Date, DateTime.MaxValue.Date, TimeSpan.FromHours(1),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0), 3, 5, DayOfWeek.Sunday),
                TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 3, 0, 0), 10, 5, DayOfWeek.Sunday)),
        });

    /// <summary>Checkpoints numbered 1, 2, ... in the order given, at these UTC times ("yyyy-MM-dd HH:mm").</summary>
    private static List<CheckpointRecord> At(params string[] utc) =>
        utc.Select((t, i) => new CheckpointRecord
        {
            RunName = "job", Number = i + 1, Kind = CheckpointKinds.Manual, CreatedBy = "test",
            CreatedAt = DateTime.SpecifyKind(DateTime.ParseExact(t, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), DateTimeKind.Utc),
            RootTree = BlobId.Of(new byte[] { (byte)i }),
        }).ToList();

    private static (int[] Keep, int[] Remove) Plan(IEnumerable<CheckpointRecord> list, RetentionPolicy policy, TimeZoneInfo? zone = null)
    {
        var plan = RetentionPlanner.Plan(list, policy, zone ?? TimeZoneInfo.Utc);
        return (plan.Where(d => d.Keep).Select(d => d.Checkpoint.Number).OrderBy(n => n).ToArray(),
                plan.Where(d => !d.Keep).Select(d => d.Checkpoint.Number).OrderBy(n => n).ToArray());
    }

    private static string Show(IEnumerable<CheckpointRecord> list, RetentionPolicy policy, TimeZoneInfo? zone = null)
    {
        var (keep, remove) = Plan(list, policy, zone);
        return $"keep {string.Join(",", keep)} remove {string.Join(",", remove)}";
    }

    private static readonly string[] FiveOverThreeDays = { "2026-03-01 10:00", "2026-03-01 12:00", "2026-03-02 09:00", "2026-03-02 18:00", "2026-03-03 08:00" };

    public static IEnumerable<object[]> Cases() => new[]
    {
        // KeepLast 3: the three newest.
        new object[] { "last 3", FiveOverThreeDays, new RetentionPolicy { Last = 3 }, new[] { 3, 4, 5 } },
        // KeepDaily 2: newest of 03-03 (5) and of 03-02 (4); the count is used up before 03-01.
        new object[] { "daily 2", FiveOverThreeDays, new RetentionPolicy { Daily = 2 }, new[] { 4, 5 } },
        // KeepDaily 5: 5, 4, 2 (newest of each day), and 1, the oldest, because 2 days of count are left at it.
        new object[] { "daily 5 keeps the oldest", FiveOverThreeDays, new RetentionPolicy { Daily = 5 }, new[] { 1, 2, 4, 5 } },
        // KeepDaily -1: one per day without limit, and the oldest (count never runs out).
        new object[] { "daily unlimited", FiveOverThreeDays, new RetentionPolicy { Daily = -1 }, new[] { 1, 2, 4, 5 } },
        // Rules are ORed: last 1 (5) or hourly 2 (5, 4) or monthly 1 (5).
        new object[] { "ORed rules", FiveOverThreeDays, new RetentionPolicy { Last = 1, Hourly = 2, Monthly = 1 }, new[] { 4, 5 } },
        // Equal times: the higher number is newer, and is the one kept.
        new object[] { "equal times", new[] { "2026-05-05 05:05", "2026-05-05 05:05", "2026-05-05 05:05" }, new RetentionPolicy { Daily = 1 }, new[] { 3 } },
        // ISO weeks: 2026-12-28 (Mon) and 2027-01-03 (Sun) are both 2026-W53; 2027-01-04 (Mon) is 2027-W01.
        new object[] { "iso week across the year", new[] { "2026-12-28 12:00", "2027-01-03 12:00", "2027-01-04 12:00" }, new RetentionPolicy { Weekly = 2 }, new[] { 2, 3 } },
        new object[] { "years", new[] { "2026-12-28 12:00", "2027-01-03 12:00", "2027-01-04 12:00" }, new RetentionPolicy { Yearly = 2 }, new[] { 1, 3 } },
        new object[] { "months", new[] { "2026-12-28 12:00", "2027-01-03 12:00", "2027-01-04 12:00" }, new RetentionPolicy { Monthly = 1 }, new[] { 3 } },
        // Within 1.5 days of the newest (not of now: these are in the past): 4 (03-02 18:00) and 3 (03-02 09:00) are
        // within 36 hours of 03-03 08:00; 2 (03-01 12:00, 44 hours before) is not.
        new object[] { "within the newest", FiveOverThreeDays, new RetentionPolicy { Within = TimeSpan.FromHours(36) }, new[] { 3, 4, 5 } },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void PoliciesKeepExactlyWhatResticWould(string name, string[] times, RetentionPolicy policy, int[] keep)
    {
        var (kept, removed) = Plan(At(times), policy);
        Assert.True(keep.SequenceEqual(kept), $"{name}: kept {string.Join(",", kept)}, expected {string.Join(",", keep)}");
        Assert.Equal(times.Length, kept.Length + removed.Length);
    }

    [Fact]
    public void ReasonsNameEveryRuleThatKeepsACheckpoint()
    {
        var list = At(FiveOverThreeDays);
        list[0] = list[0] with { Tags = new[] { "Release" } };
        var plan = RetentionPlanner.Plan(list, new RetentionPolicy { Last = 1, Daily = 5, Tags = new[] { "release" } }, TimeZoneInfo.Utc);
        var reasons = plan.ToDictionary(d => d.Checkpoint.Number, d => string.Join(" | ", d.Reasons));
        Assert.Equal("newest | KeepLast | KeepDaily", reasons[5]);
        Assert.Equal("KeepDaily", reasons[4]);
        Assert.Equal("", reasons[3]);
        Assert.Equal("KeepDaily", reasons[2]);
        Assert.Equal("KeepTag 'release' | KeepDaily (oldest)", reasons[1]);
    }

    [Fact]
    public void TheNewestIsKeptEvenWhenNoRuleWould()
    {
        var (kept, _) = Plan(At("2020-01-01 00:00", "2026-01-01 00:00"), new RetentionPolicy { Tags = new[] { "none" } });
        Assert.Equal(new[] { 2 }, kept);
    }

    [Fact]
    public void TheHourRepeatedWhenClocksGoBackIsOneHour()
    {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET. UTC 23:30 (24th) is 01:30 CEST; 00:30 is 02:30 CEST; 01:30 is 02:30 CET.
        var list = At("2026-10-24 23:30", "2026-10-25 00:30", "2026-10-25 01:30");
        Assert.Equal("keep 1,3 remove 2", Show(list, new RetentionPolicy { Hourly = 5 }, Berlin));
        // In UTC the three are three different hours.
        Assert.Equal("keep 1,2,3 remove ", Show(list, new RetentionPolicy { Hourly = 5 }));
    }

    [Fact]
    public void DaysAreLocalDatesOnTheShortDayOfSpring()
    {
        // 2026-03-29 has 23 hours in Berlin. UTC 03-28 23:30 is 03-29 00:30 CET; 03-29 21:30 is 23:30 CEST (the same
        // local day); 03-29 22:30 is 03-30 00:30 CEST.
        var list = At("2026-03-28 23:30", "2026-03-29 21:30", "2026-03-29 22:30");
        Assert.Equal("keep 2,3 remove 1", Show(list, new RetentionPolicy { Daily = 2 }, Berlin));
        // In UTC the first is still on 03-28, so each day's newest differs.
        Assert.Equal("keep 1,3 remove 2", Show(list, new RetentionPolicy { Daily = 2 }));
    }

    [Theory]
    [InlineData("2026-12-31", "2026-W53")]
    [InlineData("2027-01-01", "2026-W53")]
    [InlineData("2027-01-04", "2027-W01")]
    [InlineData("2024-12-30", "2025-W01")]
    [InlineData("2021-01-03", "2020-W53")]
    [InlineData("2026-06-15", "2026-W25")]
    public void WeeksAreIsoWeeks(string date, string week)
    {
        var day = DateTime.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(week, CalendarBuckets.Week(day));
        Assert.Equal(week, $"{ISOWeek.GetYear(day):D4}-W{ISOWeek.GetWeekOfYear(day):D2}");
    }

    [Fact]
    public void AnEmptyOrNegativePolicyIsRefused()
    {
        Assert.Equal("RetentionPolicyEmpty", Assert.Throws<PersistStoreException>(() => new RetentionPolicy().Validate()).ErrorId);
        Assert.Equal("RetentionPolicyEmpty", Assert.Throws<PersistStoreException>(() => new RetentionPolicy { Last = 0, Within = TimeSpan.Zero }.Validate()).ErrorId);
        Assert.Equal("InvalidRetentionCount", Assert.Throws<PersistStoreException>(() => new RetentionPolicy { Daily = -2 }.Validate()).ErrorId);
    }

    [Fact]
    public void RemovingByNumberNeverGivesANumberAgainAndLogsTheRemoval()
    {
        using var store = new TestStore();
        var backend = store.Open();
        string work = Directory.CreateDirectory(Path.Combine(store.Folder, "work")).FullName;
        new RunService(backend).Create(new NewRunRequest { Name = "job", Path = work });
        var checkpoints = new CheckpointService(backend);
        for (int i = 0; i < 3; i++)
        {
            File.WriteAllText(Path.Combine(work, "f.txt"), "version " + i);
            checkpoints.Create(RunRef.Parse("job"), null);
        }
        var retention = new RetentionService(backend, Caller.For(null));
        var refused = Assert.Throws<PersistStoreException>(() => retention.Plan(RunRef.Parse("job"), new[] { 2, 9 }));
        Assert.Equal("CheckpointNotFound", refused.ErrorId);

        // Only what was approved goes, even though both were named.
        var outcomes = retention.Apply(RunRef.Parse("job"), new[] { 2, 3 }, new HashSet<int> { 3 });
        Assert.Equal(new[] { (2, false), (3, true) }, outcomes.Select(o => (o.Decision.Checkpoint.Number, o.Removed)));
        Assert.Equal(new[] { 1, 2 }, checkpoints.List(RunRef.Parse("job")).Select(c => c.Number));
        Assert.Equal(4, checkpoints.Create(RunRef.Parse("job"), "after").Number);

        var log = backend.Read(r => r.QueryHistory(new HistoryFilter())).Where(h => h.Operation == Operations.RemoveCheckpoints).ToList();
        Assert.Single(log);
        Assert.Equal("removed checkpoints 3 (by number); kept none", log[0].Details);
    }

    [Fact]
    public void APolicyIsPlannedAgainUnderTheLockAndOnlyApprovedUnkeptCheckpointsGo()
    {
        using var store = new TestStore();
        var backend = store.Open();
        string work = Directory.CreateDirectory(Path.Combine(store.Folder, "work")).FullName;
        new RunService(backend).Create(new NewRunRequest { Name = "job", Path = work });
        var checkpoints = new CheckpointService(backend);
        for (int i = 0; i < 4; i++) checkpoints.Create(RunRef.Parse("job"), null);
        var retention = new RetentionService(backend, Caller.For(null));
        var policy = new RetentionPolicy { Last = 2 };
        var plan = retention.Plan(RunRef.Parse("job"), policy, TimeZoneInfo.Utc);
        Assert.Equal(new[] { 1, 2 }, plan.Where(d => !d.Keep).Select(d => d.Checkpoint.Number).OrderBy(n => n));

        checkpoints.Create(RunRef.Parse("job"), null);   // taken between the plan and the removal: now 3 is unkept too, but was not approved
        var outcomes = retention.Apply(RunRef.Parse("job"), policy, TimeZoneInfo.Utc, new HashSet<int> { 1, 2 });
        Assert.Equal(new[] { 1, 2 }, outcomes.Where(o => o.Removed).Select(o => o.Decision.Checkpoint.Number).OrderBy(n => n));
        Assert.Equal(new[] { 3, 4, 5 }, checkpoints.List(RunRef.Parse("job")).Select(c => c.Number));
    }
}
