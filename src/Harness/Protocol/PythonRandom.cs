using System.Numerics;

namespace BioEval.Harness.Protocol;

/// <summary>
/// CPython's <c>random.Random</c>: the MT19937 generator seeded as <c>random.seed(int)</c> seeds it
/// (init_by_array over the 32-bit words of |seed|), with <c>getrandbits</c>, <c>_randbelow</c>,
/// <c>shuffle</c> and <c>random</c> built on it the way CPython builds them. The reference pipeline orders
/// samples with <c>random.seed(1); random.shuffle(data)</c>, so this must match Python for every length.
/// </summary>
public sealed class PythonRandom
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _mti = N + 1;

    public PythonRandom(long seed) : this(BigInteger.Abs(seed)) { }

    public PythonRandom(BigInteger seed)
    {
        // Python seeds with |seed| split into little-endian 32-bit words; zero becomes the single word 0.
        var n = BigInteger.Abs(seed);
        var key = new List<uint>();
        do
        {
            key.Add((uint)(n & uint.MaxValue));
            n >>= 32;
        } while (n > 0);
        InitByArray(key);
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (_mti = 1; _mti < N; _mti++)
            _mt[_mti] = unchecked(1812433253u * (_mt[_mti - 1] ^ (_mt[_mti - 1] >> 30)) + (uint)_mti);
    }

    private void InitByArray(IReadOnlyList<uint> key)
    {
        InitGenrand(19650218u);
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Count); k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
            i++; j++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
            if (j >= key.Count) j = 0;
        }
        for (var k = N - 1; k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i);
            i++;
            if (i >= N) { _mt[0] = _mt[N - 1]; i = 1; }
        }
        _mt[0] = 0x80000000u;
    }

    private PythonRandom(PythonRandom other)
    {
        other._mt.CopyTo(_mt, 0);
        _mti = other._mti;
    }

    /// <summary>An independent generator in the same state: it gives the draws this one would give next.</summary>
    public PythonRandom Clone() => new(this);

    /// <summary>The next raw 32-bit output of MT19937.</summary>
    public uint NextUInt32()
    {
        if (_mti >= N)
        {
            int kk;
            for (kk = 0; kk < N - M; kk++)
                _mt[kk] = _mt[kk + M] ^ Twist(_mt[kk], _mt[kk + 1]);
            for (; kk < N - 1; kk++)
                _mt[kk] = _mt[kk + (M - N)] ^ Twist(_mt[kk], _mt[kk + 1]);
            _mt[N - 1] = _mt[M - 1] ^ Twist(_mt[N - 1], _mt[0]);
            _mti = 0;
        }
        var y = _mt[_mti++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private static uint Twist(uint upper, uint lower)
    {
        var y = (upper & 0x80000000u) | (lower & 0x7fffffffu);
        return (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
    }

    /// <summary><c>random.getrandbits(k)</c>.</summary>
    public BigInteger GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (k == 0) return BigInteger.Zero;
        if (k <= 32) return NextUInt32() >> (32 - k);
        // Wider values are filled from the least significant word up; the last word keeps its top bits.
        var result = BigInteger.Zero;
        var shift = 0;
        for (var remaining = k; remaining > 0; remaining -= 32, shift += 32)
        {
            var r = NextUInt32();
            if (remaining < 32) r >>= 32 - remaining;
            result |= (BigInteger)r << shift;
        }
        return result;
    }

    /// <summary><c>random._randbelow(n)</c>: rejection sampling on <c>getrandbits(n.bit_length())</c>.</summary>
    public long RandBelow(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var k = 64 - BitOperations.LeadingZeroCount((ulong)n);
        var r = (long)GetRandBits(k);
        while (r >= n) r = (long)GetRandBits(k);
        return r;
    }

    /// <summary><c>random.random()</c>: a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        var a = NextUInt32() >> 5;
        var b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>random.shuffle(x)</c>, in place, Fisher-Yates from the end as CPython does it.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = (int)RandBelow(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary><c>random.sample(population, k)</c> for k ≤ len, following CPython's two strategies.</summary>
    public List<T> Sample<T>(IReadOnlyList<T> population, int k)
    {
        var n = population.Count;
        if (k < 0 || k > n) throw new ArgumentOutOfRangeException(nameof(k), "Sample larger than population or is negative.");
        var result = new T[k];
        var setsize = 21;
        if (k > 5) setsize += (int)Math.Pow(4, Math.Ceiling(Math.Log(k * 3, 4)));
        if (n <= setsize)
        {
            var pool = population.ToList();
            for (var i = 0; i < k; i++)
            {
                var j = (int)RandBelow(n - i);
                result[i] = pool[j];
                pool[j] = pool[n - i - 1];
            }
        }
        else
        {
            var selected = new HashSet<int>();
            for (var i = 0; i < k; i++)
            {
                var j = (int)RandBelow(n);
                while (!selected.Add(j)) j = (int)RandBelow(n);
                result[i] = population[j];
            }
        }
        return [.. result];
    }

    /// <summary>The order Python's <c>random.seed(seed); random.shuffle(list(range(count)))</c> gives.</summary>
    public static int[] ShuffledIndices(BigInteger seed, int count)
    {
        var indices = Enumerable.Range(0, count).ToArray();
        new PythonRandom(seed).Shuffle(indices);
        return indices;
    }
}
