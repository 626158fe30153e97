"""Fractional max pooling draws its window offsets itself when ``_random_samples`` is not
given (the path the layers take): the output has the asked size, every value is one of the
input's, and the draw follows the default generator's seed."""

import ferrograd
import ferrograd.nn.functional as F


def test_fractional_max_pool2d_draws_its_own_windows():
    x = ferrograd.randn(2, 3, 9, 8)
    ferrograd.manual_seed(5)
    first, indices = F.fractional_max_pool2d(x, 2, output_size=(4, 3), return_indices=True)
    assert first.shape == (2, 3, 4, 3)
    flat = x.reshape(2, 3, -1)
    assert ferrograd.equal(flat.gather(2, indices.reshape(2, 3, -1)).reshape(2, 3, 4, 3), first)
    ferrograd.manual_seed(5)
    assert ferrograd.equal(F.fractional_max_pool2d(x, 2, output_size=(4, 3)), first)


def test_fractional_max_pool3d_layer_without_samples():
    layer = ferrograd.nn.FractionalMaxPool3d(2, output_ratio=0.5)
    x = ferrograd.randn(1, 2, 6, 6, 6)
    out = layer(x)
    assert out.shape == (1, 2, 3, 3, 3)
    assert bool(ferrograd.isin(out, x).all())
