"""The footer band: the QR code keeps its quiet zone, and the signature stamp stays above the footer."""

from reportlab.lib.units import mm

from app.printing import layout


def test_the_stamp_never_reaches_the_footer_or_the_qr():
    x1, y1, x2, y2 = layout.SIGNATURE_BOX
    qr_top = layout.QR_BOTTOM + layout.QR_SIZE
    assert qr_top < layout.FOOTER_TOP < y1  # QR below the rule, stamp above it
    assert layout.MARGIN_BOTTOM <= y1 and x1 >= layout.MARGIN_SIDE - 1
    assert round(y2 - y1) >= 80 and round(x2 - x1) >= 200  # room for the 200×80 pt stamp


def test_qr_has_a_quiet_zone_of_four_modules():
    matrix = layout.qr_matrix("PARVANDEH:MR-14050903-ABCDEF12:" + "A" * 64 + ":MONTHLY 1405/08 CONTRACT 1405-7")
    n = len(matrix)
    quiet = layout.QR_QUIET_MODULES
    assert quiet >= 4
    for i in range(quiet):
        assert not any(matrix[i]) and not any(matrix[n - 1 - i])
        assert not any(row[i] for row in matrix) and not any(row[n - 1 - i] for row in matrix)
    assert layout.QR_SIZE / n >= 0.33 * mm  # modules big enough for a phone camera on a laser print
