"""Apple's podcast categories and the file types it plays (internal): data for `itunes`."""

from __future__ import annotations

from collections.abc import Mapping

# Apple's categories (Apple Podcasts, 2019 list) with their subcategories.
CATEGORIES: Mapping[str, frozenset[str]] = {
    "Arts": frozenset(
        {"Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"}
    ),
    "Business": frozenset(
        {"Careers", "Entrepreneurship", "Investing", "Management", "Marketing", "Non-Profit"}
    ),
    "Comedy": frozenset({"Comedy Interviews", "Improv", "Stand-Up"}),
    "Education": frozenset({"Courses", "How To", "Language Learning", "Self-Improvement"}),
    "Fiction": frozenset({"Comedy Fiction", "Drama", "Science Fiction"}),
    "Government": frozenset(),
    "History": frozenset(),
    "Health & Fitness": frozenset(
        {"Alternative Health", "Fitness", "Medicine", "Mental Health", "Nutrition", "Sexuality"}
    ),
    "Kids & Family": frozenset(
        {"Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"}
    ),
    "Leisure": frozenset(
        {
            "Animation & Manga",
            "Automotive",
            "Aviation",
            "Crafts",
            "Games",
            "Hobbies",
            "Home & Garden",
            "Video Games",
        }
    ),
    "Music": frozenset({"Music Commentary", "Music History", "Music Interviews"}),
    "News": frozenset(
        {
            "Business News",
            "Daily News",
            "Entertainment News",
            "News Commentary",
            "Politics",
            "Sports News",
            "Tech News",
        }
    ),
    "Religion & Spirituality": frozenset(
        {"Buddhism", "Christianity", "Hinduism", "Islam", "Judaism", "Spirituality"}
    ),
    "Science": frozenset(
        {
            "Astronomy",
            "Chemistry",
            "Earth Sciences",
            "Life Sciences",
            "Mathematics",
            "Natural Sciences",
            "Nature",
            "Physics",
            "Social Sciences",
        }
    ),
    "Society & Culture": frozenset(
        {"Documentary", "Personal Journals", "Philosophy", "Places & Travel", "Relationships"}
    ),
    "Sports": frozenset(
        {
            "Baseball",
            "Basketball",
            "Cricket",
            "Fantasy Sports",
            "Football",
            "Golf",
            "Hockey",
            "Rugby",
            "Running",
            "Soccer",
            "Swimming",
            "Tennis",
            "Volleyball",
            "Wilderness",
            "Wrestling",
        }
    ),
    "Technology": frozenset(),
    "True Crime": frozenset(),
    "TV & Film": frozenset(
        {"After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"}
    ),
}

# Apple's categories before 2019: still read, so a warning rather than an error.
OLD_CATEGORIES: Mapping[str, frozenset[str]] = {
    "Arts": frozenset({"Literature"}),
    "Arts & Entertainment": frozenset(
        {
            "Architecture",
            "Design",
            "Entertainment",
            "Games",
            "Performing Arts",
            "Photography",
            "Poetry",
            "Science Fiction",
        }
    ),
    "Audio Blogs": frozenset(),
    "Business": frozenset(
        {"Careers", "Finance", "Investing", "Management & Marketing", "News", "Shopping"}
    ),
    "Comedy": frozenset(),
    "Education": frozenset(
        {"Education Technology", "Higher Education", "K-12", "Language Courses", "Training"}
    ),
    "Family": frozenset(),
    "Food": frozenset(),
    "Games & Hobbies": frozenset(
        {"Automotive", "Aviation", "Hobbies", "Other Games", "Video Games"}
    ),
    "Government & Organizations": frozenset({"Local", "National", "Non-Profit", "Regional"}),
    "Health": frozenset(
        {
            "Alternative Health",
            "Diet & Nutrition",
            "Fitness",
            "Fitness & Nutrition",
            "Relationships",
            "Self-Help",
            "Sexuality",
        }
    ),
    "International": frozenset(
        {
            "Australian",
            "Belgian",
            "Brazilian",
            "Canadian",
            "Chinese",
            "Dutch",
            "French",
            "German",
            "Hebrew",
            "Italian",
            "Japanese",
            "Norwegian",
            "Polish",
            "Portuguese",
            "Spanish",
            "Swedish",
        }
    ),
    "Movies & Television": frozenset(),
    "News & Politics": frozenset(),
    "Politics": frozenset(),
    "Public Radio": frozenset(),
    "Religion & Spirituality": frozenset(
        {
            "Buddhism",
            "Christianity",
            "Islam",
            "Judaism",
            "New Age",
            "Philosophy",
            "Other",
            "Spirituality",
        }
    ),
    "Science & Medicine": frozenset({"Medicine", "Natural Sciences", "Social Sciences"}),
    "Society & Culture": frozenset({"History"}),
    "Sports & Recreation": frozenset(
        {"Amateur", "College & High School", "Outdoor", "Professional"}
    ),
    "Talk Radio": frozenset(),
    "Technology": frozenset(
        {
            "Computers",
            "Developers",
            "Gadgets",
            "Information Technology",
            "News",
            "Operating Systems",
            "Podcasting",
            "Smart Phones",
            "Software How-To",
            "Tech News",
            "Text/Speech",
        }
    ),
    "Transportation": frozenset({"Automotive", "Aviation", "Bicycles", "Commuting"}),
    "Travel": frozenset(),
}

# Enclosure file types Apple Podcasts plays, by the URL's last dot.
ENCLOSURE_EXTENSIONS = frozenset({"m4a", "mp3", "mov", "mp4", "m4v", "pdf", "epub"})
