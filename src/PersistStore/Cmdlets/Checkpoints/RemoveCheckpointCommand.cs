using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using PersistStore.Completion;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Retention;
using PersistStore.Engine.Runs;
using PersistStore.Infrastructure;

namespace PersistStore.Commands
{
    /// <summary>
    /// Removes checkpoints by number, or every checkpoint a retention policy does not keep (restic's forget rules,
    /// ORed, over calendar periods in local time; the newest checkpoint is always kept). One object per checkpoint
    /// considered says Keep or Remove and why. The space is reclaimed by Optimize-PersistStore.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "Checkpoint", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = "Number")]
    [OutputType(typeof(CheckpointRemoval))]
    public sealed class RemoveCheckpointCommand : StoreCmdlet
    {
        /// <summary>The run: a name, an id, or a Run object; taken from piped Checkpoint objects when not given.</summary>
        [Parameter(ParameterSetName = "Number", Position = 0, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Policy", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("RunName", "Name")]
        [ArgumentCompleter(typeof(RunNameCompleter))]
        public RunIdentity? Run { get; set; }

        [Parameter(ParameterSetName = "Number", Mandatory = true, Position = 1, ValueFromPipeline = true)]
        [Alias("Number")]
        [ArgumentCompleter(typeof(CheckpointNumberCompleter))]
        public CheckpointIdentity[] Checkpoint { get; set; } = Array.Empty<CheckpointIdentity>();

        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepLast { get; set; }
        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepHourly { get; set; }
        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepDaily { get; set; }
        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepWeekly { get; set; }
        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepMonthly { get; set; }
        [Parameter(ParameterSetName = "Policy")] [ValidateRange(-1, int.MaxValue)] public int KeepYearly { get; set; }

        /// <summary>Keep everything taken within this long before the run's newest checkpoint (seconds or a TimeSpan).</summary>
        [Parameter(ParameterSetName = "Policy")]
        [DurationTransformation]
        public TimeSpan KeepWithin { get; set; }

        /// <summary>Keep every checkpoint that recorded any of these tags.</summary>
        [Parameter(ParameterSetName = "Policy")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TagCompleter))]
        public string[] KeepTag { get; set; } = Array.Empty<string>();

        private RetentionPolicy Policy => new RetentionPolicy
        {
            Last = KeepLast, Hourly = KeepHourly, Daily = KeepDaily, Weekly = KeepWeekly, Monthly = KeepMonthly, Yearly = KeepYearly,
            Within = KeepWithin, Tags = KeepTag,
        };

        protected override void BeginProcessing()
        {
            base.BeginProcessing();
            // An empty policy is refused before any store is opened or any run read.
            if (ParameterSetName == "Policy")
            {
                try { Policy.Validate(); }
                catch (PersistStoreException e) { ThrowTerminatingError(ErrorRecords.From(e)); }
            }
        }

        protected override void ProcessRecord()
        {
            ForItem(Run?.ToString() ?? string.Join(", ", Checkpoint.Select(c => c.ToString())), () =>
            {
                var piped = Checkpoint.FirstOrDefault(c => c.RunId != null);
                var (backend, resolved) = OpenStore(createIfMissing: false, Run?.StoreValue ?? piped?.StoreValue);
                RunRef run = Run != null ? ToRunRef(Run) : piped?.RunId is Guid id ? RunRef.ForId(id)
                    : throw new PersistStoreException("RunRequired", ErrorKind.InvalidArgument, null,
                        "Say which run: give -Run, or pipe Checkpoint objects from Get-Checkpoint.");
                var service = new RetentionService(backend, Caller);
                var numbers = Checkpoint.Select(c => c.Number).ToList();
                WriteProgress(new ProgressRecord(8, "Removing checkpoints", $"Planning for run '{Run?.ToString() ?? piped?.ToString()}'"));
                var timer = System.Diagnostics.Stopwatch.StartNew();
                var plan = ParameterSetName == "Policy" ? service.Plan(run, Policy, TimeZoneInfo.Local, Cancellation) : service.Plan(run, numbers, Cancellation);
                WriteDebug($"Remove-Checkpoint: planned {plan.Count} checkpoints ({plan.Count(d => !d.Keep)} to remove) in {timer.Elapsed.TotalMilliseconds:F1} ms.");

                var approved = new HashSet<int>();
                foreach (var d in plan.Where(d => !d.Keep))
                    if (ShouldProcess($"checkpoint {d.Checkpoint.Number} of run '{d.Checkpoint.RunName}' ({d.Checkpoint.CreatedAt:yyyy-MM-dd HH:mm:ss}Z, {d.Checkpoint.Kind})", "Remove checkpoint"))
                        approved.Add(d.Checkpoint.Number);
                var outcomes = approved.Count == 0 ? plan.Select(d => new RetentionOutcome(d, false)).ToList()
                    : ParameterSetName == "Policy" ? service.Apply(run, Policy, TimeZoneInfo.Local, approved, Cancellation)
                    : service.Apply(run, numbers, approved, Cancellation);
                WriteDebug($"Remove-Checkpoint: removed {outcomes.Count(o => o.Removed)} under the run's lock in {timer.Elapsed.TotalMilliseconds:F1} ms (planning included).");
                WriteProgress(new ProgressRecord(8, "Removing checkpoints", "Done") { RecordType = ProgressRecordType.Completed });
                foreach (var o in outcomes) WriteObject(ToOutput(o, resolved.Location.Display));
            });
        }

        private static CheckpointRemoval ToOutput(RetentionOutcome o, string store)
        {
            var c = o.Decision.Checkpoint;
            return new CheckpointRemoval
            {
                RunName = c.RunName, RunId = c.RunId, Number = c.Number, CreatedAt = c.CreatedAt, Kind = c.Kind, Message = c.Message,
                Tags = c.Tags.ToArray(), Action = o.Decision.Keep ? "Keep" : "Remove", Reasons = o.Decision.Reasons.ToArray(),
                Removed = o.Removed, Store = store,
            };
        }
    }
}
