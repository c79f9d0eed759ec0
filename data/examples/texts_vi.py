"""Hand-written Vietnamese comments for the example creators (fictional people and posts).

Every text here was written by hand for one post; ``build_examples.py`` only assigns authors,
times and likes. ``substantive`` comments engage with the post; ``replies`` are the creator's
own answers; ``GENERIC`` is the pool of short reactions real audiences leave everywhere.
"""

CREATORS = [
    {"creator_id": "vi_linh.makeup", "name": "Linh Trần Makeup", "followers": 48200, "platform": "tiktok", "language": "vi", "price": 900, "currency": "USD", "kind": "genuine"},
    {"creator_id": "vi_bepcuame", "name": "Bếp của Mẹ Sóc", "followers": 9100, "platform": "facebook", "language": "vi", "price": 4500000, "currency": "VND", "kind": "genuine"},
    {"creator_id": "vi_tuan.techreview", "name": "Tuấn Tech Review", "followers": 1240000, "platform": "youtube", "language": "vi", "price": 350000000, "currency": "VND", "kind": "bought"},
    {"creator_id": "vi_ha.outfit", "name": "Hà Outfit", "followers": 31000, "platform": "instagram", "language": "vi", "price": 650, "currency": "USD", "kind": "mixed"},
]

POSTS = {
    "vi_linh.makeup": [
        {
            "title": "Swatch 5 màu son kem Romand Juicy Lasting Tint",
            "sponsored": False,
            "substantive": [
                "màu 06 với 09 chị thấy màu nào hợp da ngăm hơn ạ",
                "Em môi thâm dùng màu 25 có lên chuẩn màu không chị?",
                "mình mua 06 hôm trước, lên môi đẹp mà uống nước xong là trôi hết phần giữa môi luôn",
                "chị quay cận lúc bôi xong 2 tiếng được k, em muốn xem nó có bị mốc viền không",
                "son này dưỡng kém lắm mn ơi, môi khô như em là phải lót son dưỡng trước mới đánh",
                "màu thứ 3 chị swatch (số 13 phải ko) nhìn y hệt màu MAC Chili vậy đó",
                "Em thấy màu 09 lên tay chị cam mà lên môi lại hồng đất, do ánh đèn hả chị",
                "mua ở shop nào chính hãng vậy chị, em sợ mua phải hàng fake trên sàn quá",
                "da vàng, môi hơi tím thì nên chọn màu nào trong 5 màu này ạ",
                "cảm ơn chị swatch trên môi thật chứ không swatch tay, xem dễ hình dung hơn nhiều",
                "so với Black Rouge A12 thì em này bám màu hơn hay kém hơn chị",
            ],
            "replies": [
                "Da ngăm thì 09 nha em, 06 hơi hồng lạnh dễ bị tái",
                "Chị mua ở store chính hãng trên Shopee Mall nha, có tem phụ tiếng Việt",
            ],
        },
        {
            "title": "Makeup đi đám cưới cho da dầu mùa hè, giữ 10 tiếng",
            "sponsored": False,
            "substantive": [
                "bước xịt khoáng giữa các lớp nền là mẹo hay nè, lần sau em thử",
                "da dầu mụn như em mà dùng cushion thì trưa là mặt bóng dầu như chảo rán luôn",
                "Chị dùng phấn phủ gì vậy, thấy lên mặt mỏng mà kiềm dầu tốt quá",
                "em làm theo video hôm thứ 7 đi đám cưới bạn, về tối vẫn ổn, chỉ bị xuống tone ở cánh mũi",
                "khúc 1:45 chị tán kem lót bằng tay hay bằng mút vậy chị",
                "kem lót Maybelline xanh lá đó hơi bị vón nếu bôi nhiều, chị có gặp k",
                "Tuần sau em làm dâu phụ, trời Sài Gòn nóng 36 độ thì có cần thêm bước gì không chị",
                "sao chị không dùng xịt giữ lớp trang điểm cuối cùng ạ",
                "lớp nền chị đánh mỏng mà che được vết thâm ở cằm hay thật",
                "ủa phấn má chị dùng là dạng kem hay dạng bột, nhìn tự nhiên dễ sợ",
            ],
            "replies": [
                "Phấn phủ Innisfree No Sebum bản bột nha em",
                "Có xịt chứ em, chị cắt đoạn đó vì video dài quá 😂",
            ],
        },
        {
            "title": "Test kem nền Fit Me Matte 12 tiếng, kết quả bất ngờ",
            "sponsored": False,
            "substantive": [
                "tone 120 hay 128 hợp da trắng vàng hơn vậy chị",
                "12 tiếng mà nền chỉ xuống ở vùng chữ T thôi là đỉnh thật, em dùng 4 tiếng là cakey",
                "Em da khô dùng Fit Me Matte bị bong vảy quanh mũi, chị có cách nào không",
                "bảng so sánh giờ thứ 4 và giờ thứ 8 chị để cạnh nhau nhìn rõ ghê",
                "mình thích bản Dewy hơn, da mình hỗn hợp thiên khô thì Matte hơi khó tán",
                "chị ơi lớp nền này có bị oxy hoá xỉn màu sau vài tiếng không",
                "cái mút chị dùng là loại nào vậy, tán mịn mà không ăn kem",
                "đoạn chị lau giấy thấm dầu giờ thứ 6 mà nền vẫn còn, phục",
                "Em đang phân vân giữa cái này với Estee Double Wear, chênh giá gấp 5 lần 😅",
            ],
            "replies": ["128 nha em, 120 hơi hồng"],
        },
        {
            "title": "Skincare tối cho da mụn ẩn: 4 bước, dưới 800k",
            "sponsored": True,
            "substantive": [
                "BHA 2% dùng mỗi tối có bị kích ứng không chị, em mới dùng 3 hôm mà hơi rát",
                "chị dùng BHA xong có chờ bao lâu mới bôi serum ạ",
                "mụn ẩn ở trán em giảm nhiều sau 3 tuần dùng BHA, nhưng tháng đầu bị đẩy mụn ghê lắm",
                "Kem dưỡng chị giới thiệu có bản tuýp nhỏ không, em muốn thử trước",
                "mình thấy tổng 4 bước dưới 800k là hợp lý với sinh viên",
                "Da nhạy cảm thì có nên bỏ bước toner không chị",
                "chị quên nói về kem chống nắng ban ngày rồi, dùng BHA mà không chống nắng là thâm liền",
                "bài này có tài trợ nhưng chị nói rõ nhược điểm của kem dưỡng (hơi bí) nên em tin",
            ],
            "replies": ["Cách ngày thôi em, da quen rồi mới tăng lên"],
        },
        {
            "title": "Dupe phấn má Dior Rosy Glow chỉ 100k",
            "sponsored": False,
            "substantive": [
                "so màu cạnh nhau thì bản dupe hơi cam hơn bản Dior một chút ha",
                "em mua thử rồi, lên má đẹp nhưng hạt phấn thô hơn, tán bằng cọ lông mềm thì đỡ",
                "cái dupe này có mùi hơi nồng chị ơi, mở nắp là ngửi thấy",
                "đoạn chị quẹt lên cổ tay rồi lau bằng khăn ướt, bản Dior trôi nhanh hơn luôn, bất ngờ",
                "link mua bản dupe chị để ở đâu vậy, em tìm trong bio không thấy",
                "da ngăm dùng màu này có bị lên trắng bệch không chị",
                "Dior Rosy Glow đổi màu theo nhiệt độ da, dupe có làm được vậy không chị",
                "mình xài Rosy Glow 2 năm rồi, công nhận dupe này giống 80%",
            ],
            "replies": ["Link chị ghim ở comment đầu nha"],
        },
        {
            "title": "Kẻ mắt cho mắt một mí: 3 kiểu dễ nhất",
            "sponsored": False,
            "substantive": [
                "kiểu thứ 2 kéo đuôi lên hợp với mắt một mí của em ghê, cảm ơn chị",
                "Em mắt một mí mà hay bị lem xuống mí dưới sau 1 tiếng, chị dùng bút kẻ nào vậy",
                "mở mắt ra mới vẽ đuôi là mẹo hay thật, trước giờ em nhắm mắt vẽ nên mở ra mất nét",
                "chị làm thêm video kẻ mắt cho mắt lệch được không ạ, mắt trái em hai mí mắt phải một mí",
                "bút gel hay bút nước thì dễ cho người mới hơn chị",
                "Em tập theo kiểu 3 được 1 tuần rồi, giờ vẽ 2 bên đều hơn rồi nè",
                "nét kẻ chị vẽ dày có 2mm thôi mà mắt to hẳn",
                "mình có mí lót (mí ẩn), kiểu nào cũng bị che mất khi mở mắt, có cách nào không mọi người",
                "@thuytien xem kiểu 1 nè, giống cách bà hỏi tui hôm qua đó",
            ],
            "replies": ["Mí lót thì vẽ dày hơn một chút ở đuôi nha, chị sẽ làm video riêng"],
        },
    ],
    "vi_bepcuame": [
        {
            "title": "Canh chua cá lóc kiểu miền Tây, nấu 20 phút",
            "sponsored": False,
            "substantive": [
                "nhà mình nấu canh chua hay cho thêm bông điên điển, chị thử chưa",
                "Cho me vào lúc nước sôi hay cho từ đầu vậy chị, em nấu hay bị chua gắt",
                "cá lóc chị rửa bằng nước muối với chanh phải không, em thấy hết nhớt mà không tanh",
                "món này mà có thêm bạc hà (dọc mùng) nữa là chuẩn vị má tui nấu",
                "chị nêm đường trước hay nước mắm trước vậy ạ",
                "em ở Hà Nội không kiếm được ngò om, thay bằng rau gì được chị",
                "nhìn nồi canh mà nhớ nhà quá, xa quê 5 năm rồi",
                "Cá lóc đồng với cá lóc nuôi nấu canh chua khác nhau nhiều không chị",
                "mình làm theo tối qua, chồng khen ngon, có điều bạc hà mua ngoài chợ hơi dai",
                "me vắt lấy nước rồi mới cho vào thì canh trong hơn, mẹ mình dặn vậy",
            ],
            "replies": ["Ngò om thì thay bằng ngò gai cũng được em, thơm kiểu khác chút"],
        },
        {
            "title": "Bánh flan không cần lò nướng, hấp bằng nồi cơm điện",
            "sponsored": False,
            "substantive": [
                "em hấp nồi cơm điện bị rỗ mặt, chắc do để lửa to quá hả chị",
                "5 trứng với 400ml sữa tươi thì ra được bao nhiêu hũ chị",
                "caramel của em lần nào cũng bị đắng, đun tới màu cánh gián là tắt bếp đúng không",
                "lọc hỗn hợp qua rây 2 lần là bí quyết mịn thật, lần trước em lười lọc nên bị bọt",
                "Chị dùng sữa đặc Ông Thọ hay Ngôi Sao Phương Nam ạ",
                "làm xong con gái mình ăn 3 hũ liền, cảm ơn công thức của chị",
                "lót khăn trên nắp nồi để hơi nước không nhỏ xuống mặt bánh là mẹo hay",
                "có thay sữa tươi bằng sữa hạt được không chị, nhà em có bé dị ứng đạm sữa bò",
                "Em để bánh trong tủ lạnh qua đêm thì bị chảy nước đường ra đáy, bình thường không chị",
            ],
            "replies": ["Đúng rồi em, lửa nhỏ thôi và hé nắp một chút"],
        },
        {
            "title": "Thịt kho trứng nước dừa ngày Tết",
            "sponsored": False,
            "substantive": [
                "chị dùng nước dừa tươi hay nước dừa đóng hộp vậy, nhà em ở xa không có dừa tươi",
                "thịt ba chỉ hay thịt đùi kho ngon hơn chị, em sợ ba chỉ béo quá",
                "mẹo chần thịt với gừng rồi rửa nước lạnh làm thịt trắng đẹp ghê",
                "nhà em kho thêm củ cải trắng, ngọt nước lắm",
                "trứng vịt hay trứng gà kho thì thấm hơn vậy chị",
                "kho liu riu 2 tiếng mà thịt vẫn giữ miếng không bị nát, canh lửa giỏi quá",
                "nồi thịt kho của chị màu cánh gián đẹp quá, em toàn bị đen do thắng đường quá tay",
                "Năm nay lần đầu em tự kho thịt ăn Tết một mình bên Nhật, cảm ơn chị nhiều",
                "để được mấy ngày vậy chị, nhà em hay kho 1 nồi to ăn cả tuần Tết",
            ],
            "replies": ["Thịt đùi có da nha em, nạc mỡ vừa phải", "Để ngăn mát được 5-6 ngày em nhé, nhớ đun lại mỗi ngày"],
        },
        {
            "title": "Chè khúc bạch mát lạnh cho ngày hè",
            "sponsored": False,
            "substantive": [
                "bột gelatin với lá gelatin thì loại nào dễ làm hơn chị",
                "khúc bạch của em bị cứng như cao su, chắc do cho nhiều gelatin quá",
                "hạnh nhân lát chị rang bao lâu để nó vàng mà không cháy vậy",
                "Nước đường chị có thả thêm vỏ bưởi không, quán gần nhà em làm vậy thơm lắm",
                "làm vị trà xanh với vị dâu như chị là đẹp cả mâm luôn",
                "mình thay whipping cream bằng nước cốt dừa, vẫn đông mà béo thơm kiểu khác",
                "nhãn nhục ngâm nước đường trước 30 phút là đúng bài",
            ],
            "replies": ["Lá gelatin dễ canh liều hơn nha, 1 lá cho 100ml"],
        },
        {
            "title": "Gà nướng nồi chiên không dầu nguyên con",
            "sponsored": True,
            "substantive": [
                "gà 1,3kg nướng 200 độ 40 phút có chín phần đùi không chị, em sợ đùi còn hồng",
                "nồi chiên 5 lít để vừa gà nguyên con không vậy, nồi nhà em 4,5 lít",
                "lật mặt ở phút 25 là quan trọng, lần đầu em quên lật nên lưng gà bị nhạt màu",
                "ướp mật ong với nước tương như chị thì da hay bị cháy xém, em phải bọc giấy bạc",
                "Nồi chiên này có mùi nhựa lần đầu dùng không chị, nồi em mua bị mùi mấy ngày",
                "em thích là chị nói thật nồi hơi ồn, không chỉ khen",
                "Chị ướp gà qua đêm hay ướp 2 tiếng thôi ạ",
            ],
            "replies": ["4,5 lít thì gà dưới 1,2kg mới vừa em ạ"],
        },
    ],
    "vi_tuan.techreview": [
        {"title": "iPhone 15 sau 6 tháng: pin còn bao nhiêu %", "sponsored": False,
         "substantive": ["pin của em còn 94% sau 7 tháng, sạc qua đêm toàn cắm tới 100% luôn",
                          "anh có bật giới hạn sạc 80% không, thấy bảo giữ pin tốt hơn"]},
        {"title": "Tai nghe bluetooth 300k có đáng mua?", "sponsored": False,
         "substantive": ["micro của con này gọi điện ngoài đường có bị ồn không anh"]},
        {"title": "So sánh 3 laptop gaming dưới 25 triệu", "sponsored": False,
         "substantive": ["con Lenovo LOQ có bị nóng bàn phím khi chơi Valorant lâu không anh",
                          "sao không so với con Acer Nitro V, cùng tầm giá mà"]},
        {"title": "Sạc dự phòng 20.000mAh: đo dung lượng thật", "sponsored": False,
         "substantive": ["đo ra 12.800mAh thực tế là bình thường vì hao hụt chuyển đổi điện áp đó mọi người"]},
        {"title": "Đồng hồ thông minh giá rẻ đo SpO2 chuẩn không?", "sponsored": True,
         "substantive": ["so với máy kẹp ngón tay ở bệnh viện thì lệch bao nhiêu % vậy anh"]},
        {"title": "Bàn phím cơ 500k cho dân văn phòng", "sponsored": False,
         "substantive": ["switch đỏ hay switch nâu đỡ ồn hơn cho văn phòng anh"]},
    ],
    "vi_ha.outfit": [
        {"title": "5 outfit đi làm cho dân văn phòng", "sponsored": False,
         "substantive": [
             "quần ống suông màu be chị mặc ở outfit 3 mua ở đâu vậy ạ",
             "em cao 1m52 mặc quần ống suông có bị lùn không chị",
             "outfit số 2 blazer với sơ mi trắng, văn phòng em hơi nghiêm thì mặc được luôn",
             "mình thích cách chị phối túi nâu với giày nâu cùng tông, nhìn sang hẳn",
             "chị ơi áo len mỏng đó có bị xù lông sau vài lần giặt không",
         ]},
        {"title": "Lookbook Đà Lạt 3 ngày 2 đêm", "sponsored": False,
         "substantive": [
             "Đà Lạt tháng 12 lạnh lắm, mặc váy như chị chắc phải thêm quần tất dày",
             "chỗ chụp ảnh có cánh đồng hoa ở outfit 2 là ở đâu vậy chị",
             "áo khoác dạ dáng dài màu xám chị mặc có bị nặng không ạ",
             "mình đi Đà Lạt tuần trước, đúng là mang boot cổ thấp như chị là hợp nhất vì đường dốc",
         ]},
        {"title": "Haul Shopee 1 triệu được 7 món", "sponsored": True,
         "substantive": [
             "cái chân váy xếp ly mặc lên có bị nhăn nhiều không chị",
             "áo thun trắng 79k mà dày vậy á, giặt máy có bị giãn cổ không",
             "mình mua cùng shop mà vải mỏng hơn trong video, hơi thất vọng",
         ]},
        {"title": "Phối áo dài cách tân đi chơi Tết", "sponsored": False,
         "substantive": [
             "áo dài cách tân mặc với quần jean ống rộng như chị đẹp mà đi xe máy tiện",
             "vải lụa hay vải gấm thì mặc Tết miền Bắc đỡ lạnh hơn chị",
             "em cao 1m60 nặng 55kg thì nên chọn size M hay L ạ",
             "màu đỏ đô của chị lên ảnh đẹp quá, năm nay em chọn màu này",
             "Phụ kiện kẹp tóc ngọc trai hợp với áo dài quá",
         ]},
        {"title": "Giày sneaker trắng phối 6 kiểu", "sponsored": True,
         "substantive": [
             "giày này đế có cao không chị, em muốn hack chiều cao chút",
             "mang 1 ngày đi bộ nhiều có đau gót không ạ",
         ]},
        {"title": "Tủ đồ capsule 20 món cho cả mùa thu", "sponsored": False,
         "substantive": [
             "20 món mà phối được 30 set là do chị chọn màu trung tính hết đúng không",
             "em thử làm capsule rồi mà cứ thấy thiếu đồ màu, chị có gợi ý thêm 1-2 món điểm nhấn không",
             "áo trench coat là món đáng đầu tư nhất trong list này theo em",
             "chị đổi quần jean xanh đậm sang màu xanh nhạt thì có hợp cả tủ không ạ",
             "cách chị treo đồ theo màu trong tủ nhìn gọn gàng ghê, học theo liền",
         ]},
    ],
}

# Short reactions that real Vietnamese audiences write under any post (generic, not evidence).
GENERIC = [
    "đẹp quá", "hay quá chị ơi", "xinh xỉu", "😍😍😍", "❤️", "tuyệt vời", "thích quá trời",
    "dep qua", "hay qua", "đỉnh thật sự", "10 điểm", "iu chị", "❤️❤️", "🥰", "quá đỉnh luôn",
    "ok chị", "hay nha", "cute xỉu", "ủng hộ chị", "yêu quá", "nhìn mê ghê", "chị xinh quá",
    "wow", "đỉnh", "👍👍", "xịn xò", "ghê thật", "thích ghê", "hay v", "đẹp dữ", "tuyệt",
    "mê quá", "ngon quá", "nhìn ngon quá", "😋😋", "thèm quá", "🔥🔥", "quá xuất sắc", "hay lắm ạ",
    "ưng quá", "iu", "xinh", "chuẩn", "dc đó", "đỉnh của chóp", "quá đẹp luôn", "ui dễ thương",
    "lưu lại", "lưu về làm thử", "hóng video sau", "ra video nữa đi chị", "first", "=))",
    "hihi", "hay quá trời quá đất", "đẹp zữ", "ghê z", "trời ơi mê", "👏👏👏",
]

# Bought comment templates: each inner list is one copy-paste cluster (one template with the
# small edits bot farms make: emoji, punctuation, a swapped word, dropped tone marks).
COPY_PASTE = [
    [
        "Video rất hay và ý nghĩa, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ",
        "Video rất hay và ý nghĩa, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ 👍👍",
        "video rất hay và ý nghĩa cảm ơn anh đã chia sẻ chúc kênh ngày càng phát triển",
        "Video rat hay va y nghia, cam on anh da chia se, chuc kenh ngay cang phat trien a",
        "Video rất hay và bổ ích, cảm ơn anh đã chia sẻ, chúc kênh ngày càng phát triển ạ!!",
        "Video rất hay và ý nghĩa, cảm ơn a đã chia sẻ, chúc kênh ngày càng phát triển ❤️",
    ],
    [
        "Sản phẩm quá tuyệt vời, review rất chi tiết và dễ hiểu, mình đã mua và rất hài lòng",
        "Sản phẩm quá tuyệt vời, review rất chi tiết dễ hiểu, mình đã mua và rất hài lòng ạ",
        "san pham qua tuyet voi, review rat chi tiet va de hieu, minh da mua va rat hai long",
        "Sản phẩm quá tuyệt vời!!! review rất chi tiết và dễ hiểu, mình đã mua và rất ưng",
        "Sản phẩm quá tuyệt vời, review rất chi tiết và dễ hiểu, em đã mua và rất hài lòng 😍",
    ],
    [
        "Chị ơi outfit nào cũng đẹp hết, xinh xỉu luôn á, ủng hộ chị dài dài nha",
        "Chị ơi outfit nào cũng đẹp hết, xinh xỉu luôn á, ủng hộ chị dài dài nhaaa 😍",
        "chi oi outfit nao cung dep het, xinh xiu luon a, ung ho chi dai dai nha",
        "Chị ơi outfit nào cũng đẹp hết trơn, xinh xỉu luôn á, ủng hộ chị dài dài nha",
    ],
]

# Contact, follow and promo bait.
BAIT = [
    "kb zalo 0912 345 678 nhận sỉ mỹ phẩm giá tốt nhất thị trường",
    "Ai cần việc làm thêm online 300-500k/ngày ib zalo 0987.654.321",
    "follow chéo nha mọi người, mình fl lại hết 100%",
    "ghé kênh mình xem review đồ công nghệ giá rẻ nha ae",
    "Nhận tăng like tăng follow uy tín, liên hệ zalo 0933 222 111",
    "like chéo không mn, tương tác chéo cho nhau nha",
    "vay tiền online chỉ cần CCCD, giải ngân 5 phút, zalo 0909 888 777",
]

# Generic comments the pod accounts leave on Vietnamese posts (with copy-paste above).
POD = [
    "Quá đỉnh luôn anh ơi 🔥🔥",
    "Hay quá, ủng hộ kênh dài dài",
    "Tuyệt vời, đã like và share",
    "đỉnh thật sự, chúc kênh lên 1 triệu sub",
    "Xinh quá chị ơi, ủng hộ chị",
]
