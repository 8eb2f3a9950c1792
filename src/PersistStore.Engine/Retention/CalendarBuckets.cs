using System;
using System.Globalization;

namespace PersistStore.Engine.Retention
{
    /// <summary>
    /// The calendar period a checkpoint falls in, as wall-clock time in the given zone (restic's buckets): a day
    /// is a local date however long it is (23 or 25 hours on the days clocks change), the hour repeated when clocks
    /// go back is one hourly period, and weeks are ISO 8601 weeks (Monday first; the week of 2026-12-31 is 2026-W53,
    /// and 2027-01-01 belongs to it).
    /// </summary>
    internal static class CalendarBuckets
    {
        public static string Hour(DateTime local) => local.ToString("yyyy-MM-dd HH", CultureInfo.InvariantCulture);
        public static string Day(DateTime local) => local.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        public static string Month(DateTime local) => local.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        public static string Year(DateTime local) => local.ToString("yyyy", CultureInfo.InvariantCulture);

        /// <summary>ISO 8601 year and week, e.g. 2027-W01 (System.Globalization.ISOWeek is not in .NET Standard 2.0).</summary>
        public static string Week(DateTime local)
        {
            // The Thursday of the date's week decides both the ISO year and the week number.
            int isoDay = ((int)local.DayOfWeek + 6) % 7;   // Monday 0 ... Sunday 6
            var thursday = local.Date.AddDays(3 - isoDay);
            int week = (thursday.DayOfYear - 1) / 7 + 1;
            return thursday.Year.ToString("D4", CultureInfo.InvariantCulture) + "-W" + week.ToString("D2", CultureInfo.InvariantCulture);
        }
    }
}
