namespace Eve.Appliance.Agent.BaseOs;

/// <summary>What can happen to the A/B machine (EVE's baseosmgr/nodeagent triggers).</summary>
internal enum BaseOsEvent
{
    /// <summary>The agent started after a boot.</summary>
    Started,
    /// <summary>A new image was written to the other partition and verified, and config says activate.</summary>
    ImageWritten,
    /// <summary>The health gates held for the whole test window (timer.test.baseimage.update).</summary>
    TestPassed,
    /// <summary>A gate failed for longer than timer.update.fallback.no.network.</summary>
    TestFailed,
    /// <summary>The controller bumped force.fallback.counter.</summary>
    ForceFallback,
    /// <summary>The operator bumped the retry counter for the version that failed.</summary>
    RetryUpdate,
    /// <summary>Config no longer wants the failed or staged version: free the other partition.</summary>
    DiscardOther,
}
