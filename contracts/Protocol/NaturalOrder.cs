namespace AftSweep.Contracts.Protocol;

/// <summary>Ordinal string order, except runs of digits compare as numbers: "a+noise64" before "a+noise256".</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static readonly NaturalOrder Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var (xs, ys) = (i, j);
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var xn = x[xs..i].TrimStart('0');
                var yn = y[ys..j].TrimStart('0');
                var byNumber = xn.Length != yn.Length ? xn.Length.CompareTo(yn.Length) : string.CompareOrdinal(xn, yn);
                if (byNumber != 0)
                {
                    return byNumber;
                }
            }
            else
            {
                var byChar = x[i].CompareTo(y[j]);
                if (byChar != 0)
                {
                    return byChar;
                }

                i++;
                j++;
            }
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }
}
