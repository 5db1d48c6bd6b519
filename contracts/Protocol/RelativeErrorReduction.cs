namespace AftSweep.Contracts.Protocol;

/// <summary>
/// The paper's relative error reduction vs STL: (err_stl - err_method) / err_stl with err = 1 - accuracy.
/// Positive = the method removes that fraction of STL's errors; negative = it adds errors.
/// </summary>
public static class RelativeErrorReduction
{
    /// <summary>Null when STL makes no errors (the ratio is undefined).</summary>
    public static double? Of(double stlAccuracy, double methodAccuracy)
    {
        CheckAccuracy(stlAccuracy, nameof(stlAccuracy));
        CheckAccuracy(methodAccuracy, nameof(methodAccuracy));
        var stlError = 1 - stlAccuracy;
        return stlError <= 0 ? null : (stlError - (1 - methodAccuracy)) / stlError;
    }

    private static void CheckAccuracy(double accuracy, string name)
    {
        if (!double.IsFinite(accuracy) || accuracy < 0 || accuracy > 1)
        {
            throw new ArgumentOutOfRangeException(name, accuracy, "an accuracy must be in [0, 1]");
        }
    }
}
