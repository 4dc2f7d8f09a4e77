import pytest


@pytest.mark.django_db
def test_home_speaks_dutch_by_default(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/nl/"
    content = response.content.decode()
    assert '<html lang="nl"' in content


@pytest.mark.django_db
def test_home_in_english_at_en(client):
    response = client.get("/en/")
    assert response.status_code == 200
    assert '<html lang="en"' in response.content.decode()
    assert "Innovations that municipalities actually use" in response.content.decode()
