using System;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using PersistStore.Engine.Errors;
using PersistStore.Engine.Identity;
using PersistStore.Engine.Retry;
using PersistStore.Engine.Storage;
using PersistStore.Engine.Stores;
using PersistStore.Loading;

namespace PersistStore.Infrastructure
{
    /// <summary>
    /// What every PersistStore cmdlet shares: -Store, store resolution (SPEC section 1), Ctrl+C as cancellation,
    /// and engine errors as ErrorRecords (non-terminating per item, terminating when the store itself fails).
    /// </summary>
    public abstract class PersistStoreCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _stop = new CancellationTokenSource();

        static PersistStoreCmdlet() => DependencyLoader.EnsureRegistered();

        private Caller? _caller;

        private protected CancellationToken Cancellation => _stop.Token;

        /// <summary>Who this command acts as (its runspace's lock owner) and its retry budget. Read it on the pipeline
        /// thread: the runspace is found through a thread-static, so worker threads get the captured value.</summary>
        private protected Caller Caller => _caller ??= RunspaceSession.Caller(RetryOverride, _trace.Enqueue);

        /// <summary>Diagnostic lines from engine threads (lock waits), written as debug lines on the pipeline thread.</summary>
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _trace = new System.Collections.Concurrent.ConcurrentQueue<string>();

        /// <summary>-Timeout / -RetryBudget of the cmdlets that take them; otherwise the session's budget applies.</summary>
        private protected virtual RetryPolicy? RetryOverride => null;

        protected override void StopProcessing() => _stop.Cancel();

        protected override void BeginProcessing() => DebugSwitch.NeverInquire(this);

        /// <summary>Runs one item's work: engine errors become non-terminating errors about that item.</summary>
        private protected void ForItem(object? target, Action work)
        {
            var timer = Stopwatch.StartNew();
            try
            {
                work();
            }
            catch (PersistStoreException e)
            {
                WriteError(ErrorRecords.From(e, target));
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                while (_trace.TryDequeue(out var line)) WriteDebug(line);
                WriteDebug($"{MyInvocation.MyCommand.Name} {target}: {timer.Elapsed.TotalMilliseconds:F1} ms");
            }
        }

        /// <summary>Whether ShouldProcess will prompt: -Confirm, or $ConfirmPreference at or below a High impact.</summary>
        private protected bool ConfirmRequested =>
            MyInvocation.BoundParameters.TryGetValue("Confirm", out var c) ? ((SwitchParameter)c).IsPresent
                : GetVariableValue("ConfirmPreference") is not ConfirmImpact preference || preference != ConfirmImpact.None;

        private protected bool WhatIfRequested =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) ? ((SwitchParameter)w).IsPresent : GetVariableValue("WhatIfPreference") is true or SwitchParameter { IsPresent: true };

        private protected string FullPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        private protected static Engine.Runs.RunRef ToRunRef(RunIdentity run) => Engine.Runs.RunRef.Parse(run.Value);

        /// <summary>Opens a resolved store (every cmdlet's -Store, Start-Migration's two stores), or ends the command
        /// with the store's error; ifMissing, when given, stands in for a store that does not exist.</summary>
        private protected IStoreBackend OpenResolved(ResolvedStore resolved, bool createIfMissing, Func<IStoreBackend>? ifMissing = null)
        {
            try
            {
                WriteVerbose($"Store: {resolved.Location.Display} ({resolved.Source}).");
                return StoreCatalog.Get(resolved, createIfMissing, WriteWarning);
            }
            catch (StoreNotFoundException) when (ifMissing != null)
            {
                return ifMissing();
            }
            catch (PersistStoreException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
                throw;   // not reached: ThrowTerminatingError always throws
            }
        }
    }

    /// <summary>A cmdlet that works on a store: adds -Store and the resolution order of SPEC section 1.</summary>
    public abstract class StoreCmdlet : PersistStoreCmdlet
    {
        /// <summary>The store to use: a path, a connection string or a StoreInfo object.</summary>
        [Parameter]
        [ValidateNotNull]
        public StoreArgument? Store { get; set; }

        /// <summary>Resolves and opens the store; a Run object's own store wins over the defaults (not over -Store).</summary>
        private protected (IStoreBackend Backend, ResolvedStore Resolved) OpenStore(bool createIfMissing, RunIdentity? run = null) =>
            OpenStore(createIfMissing, run?.StoreValue);

        private protected (IStoreBackend Backend, ResolvedStore Resolved) OpenStore(bool createIfMissing, string? objectStore)
        {
            ResolvedStore resolved;
            try
            {
                var parameter = Store != null ? StoreResolver.Parse(Store.Value, FullPath)
                    : objectStore != null ? StoreResolver.Parse(objectStore, FullPath) : null;
                resolved = StoreResolver.Resolve(parameter, RunspaceSession.Current?.Store, FullPath);
            }
            catch (PersistStoreException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
                throw;   // not reached: ThrowTerminatingError always throws
            }
            return (OpenResolved(resolved, createIfMissing), resolved);
        }
    }
}
